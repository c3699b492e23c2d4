"""The sync's "done when": against the live emulator with faults on, ``nxcc cdrs sync --follow``
(SQLite and PostgreSQL) and a dlt pipeline on DuckDB run side by side for about a minute of real
time, are SIGKILLed twice and restarted, and stopped; once every call has ended, one catch-up run
each. Then every table holds exactly the emulator's CDRs, each once, with their final values;
and while following, no CDR the server had shown for longer than ``interval + 5 s`` was missing
from the SQLite and PostgreSQL tables (sampled every half second; a CDR shown while the
followers were killed is due ``interval + 5 s`` after they were started again)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nxcc_async._core.converter import load
from nxcc_async.emulator import Emulator, Faults, LiveMode, RateLimit
from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.records import CallRecord
from tests.cdr_tables import pg_expected, pg_rows, sqlite_rows

ROOT = Path(__file__).resolve().parent.parent
INTERVAL = 2.0
LOOKBACK = 40.0  # calls last up to 20 s, CDRs appear up to 5 s later, prices up to 5 s after
FOLLOW_FOR = 55.0
KILLS_AT = (15.0, 33.0)

psycopg = pytest.importorskip("psycopg")


def _env() -> dict[str, str]:
    # the worktree's copy of the package, whatever is installed
    return {**os.environ, "PYTHONPATH": str(ROOT), "NXCC_ACCESS_SECRET": "sk"}


def _sync_cmd(base_url: str, to: str, since: int, *, follow: bool) -> list[str]:
    cmd = [sys.executable, "-m", "nxcc_async", "cdrs", "sync", "--to", to, "--since", str(since)]
    cmd += ["--lookback", str(LOOKBACK), "--settle", "0", "--interval", str(INTERVAL)]
    cmd += ["--base-url", base_url, "--access-key", "ak", "--tenant-id", "144"]
    cmd += ["--max-retries", "6", "--progress", "off"]
    return [*cmd, "--follow"] if follow else cmd


def _dlt_cmd(base_url: str, tmp: Path, since: int, *, follow: bool) -> list[str]:
    cmd = [sys.executable, str(ROOT / "tests" / "dlt_follow.py"), "--base-url", base_url]
    cmd += ["--duckdb", str(tmp / "cdrs.duckdb"), "--pipelines-dir", str(tmp / "dlt")]
    cmd += ["--since", str(since), "--lookback", str(LOOKBACK), "--interval", str(INTERVAL)]
    return cmd if follow else [*cmd, "--once"]


def _start(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=_env(), cwd=ROOT)


@pytest.mark.slow
def test_follow_killed_twice_then_catch_up_holds_exactly_the_ended_calls(
    tmp_path: Path, postgres_url: str
) -> None:
    pytest.importorskip("dlt")
    import duckdb

    t0 = time.time()
    live = LiveMode(
        calls_per_minute=60,
        duration=(1, 20),
        delay=(0, 5),
        revised=0.3,
        revise_after=(1, 5),
        start=t0 - 90,
        end=t0 + 30,
    )
    faults = Faults(code99=0.03, http5xx=0.03, drop=0.01)
    since = int(t0 - 120)
    sqlite_path = tmp_path / "cdrs.db"
    targets = {"sqlite": f"sqlite:///{sqlite_path}", "postgres": postgres_url}
    with Emulator.in_thread(
        live=live, faults=faults, rate_limit=RateLimit(25), latency=(0, 0.03)
    ) as emu:
        logs = {name: tmp_path / f"{name}.log" for name in (*targets, "dlt")}

        def start_all() -> dict[str, subprocess.Popen[bytes]]:
            procs = {
                name: _start(_sync_cmd(emu.base_url, to, since, follow=True), logs[name])
                for name, to in targets.items()
            }
            procs["dlt"] = _start(_dlt_cmd(emu.base_url, tmp_path, since, follow=True), logs["dlt"])
            return procs

        procs = start_all()
        started = time.time()  # calls shown before the first start are due from then on
        kills = list(KILLS_AT)
        late: dict[str, dict[str, float]] = {name: {} for name in targets}
        samples = 0
        calls = emu.data.live_calls()
        try:
            while (elapsed := time.time() - t0) < FOLLOW_FOR:
                if kills and elapsed >= kills[0]:
                    kills.pop(0)
                    for proc in procs.values():
                        proc.send_signal(signal.SIGKILL)
                    for proc in procs.values():
                        proc.wait()
                    procs = start_all()
                    started = time.time()  # the outage was ours, not the followers'
                seen_at = time.time()
                bound = seen_at - (INTERVAL + 5)
                due = {c.call_id for c in calls if max(c.visible_at, started) <= bound}
                have = {"sqlite": sqlite_rows(sqlite_path), "postgres": pg_rows(postgres_url)}
                for name, rows in have.items():
                    for call_id in due - rows.keys():
                        late[name].setdefault(call_id, round(seen_at - t0, 1))
                samples += 1
                time.sleep(0.5)
            for name in targets:
                procs[name].send_signal(signal.SIGTERM)
            procs["dlt"].send_signal(signal.SIGKILL)
            codes = {name: proc.wait(timeout=30) for name, proc in procs.items()}
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        assert codes["sqlite"] == 0, logs["sqlite"].read_text()
        assert codes["postgres"] == 0, logs["postgres"].read_text()

        # the catch-up run, once every call has ended and its CDR is final
        truth = emu.data.live_calls()
        time.sleep(max(0.0, max(c.final_at for c in truth) - time.time() + 0.5))
        for to in targets.values():
            done = subprocess.run(
                _sync_cmd(emu.base_url, to, since, follow=False), env=_env(), cwd=ROOT,
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr.decode()
        done = subprocess.run(
            _dlt_cmd(emu.base_url, tmp_path, since, follow=False), env=_env(), cwd=ROOT,
            capture_output=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        assert emu.stats.total > 0

    records = {c.call_id: load(CallRecord, c.cdr) for c in truth}
    assert len(records) > 80
    lite = sqlite_rows(sqlite_path)
    assert lite.keys() == records.keys()
    assert all(lite[k] == _columns.row(r) for k, r in records.items())
    pg = pg_rows(postgres_url)
    assert pg.keys() == records.keys()
    assert all(pg[k] == pg_expected(r) for k, r in records.items())
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT count(*), count(DISTINCT call_id) FROM cdrs").fetchone() == (
            len(records),
            len(records),
        )

    duck = duckdb.connect(str(tmp_path / "cdrs.duckdb"), read_only=True)
    try:
        rows = duck.execute(
            "SELECT call_id, end_time, call_duration, total_customer_price, record_url, mos "
            "FROM callcenter.cdrs"
        ).fetchall()
    finally:
        duck.close()
    assert len(rows) == len({r[0] for r in rows}) == len(records)
    for call_id, end_time, duration, price, url, mos in rows:
        r = records[call_id]
        assert (end_time, duration, price, url, mos) == (
            r.end_time,
            r.call_duration,
            r.total_customer_price,
            r.record_url,
            r.mos,
        )

    assert samples > 50
    for name in targets:
        assert not late[name], f"{name}: CDRs missing for > interval + 5 s: {late[name]}"
