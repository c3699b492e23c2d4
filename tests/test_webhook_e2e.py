"""The webhooks' "done when", over loopback: the emulator pushes a day of CDRs (signed md5,
signed sha256, token) with 10% of the pushes dropped and 10% duplicated into
``nxcc webhook serve --reconcile-every 5`` (a subprocess); the table ends with every CDR exactly
once, with the values ``cdr/page`` gives. Before that, forged pushes (tampered body, wrong key,
wrong secret, stale and future ``ts``, missing headers, wrong ``action``; wrong or missing token)
are each answered 401 and nothing of theirs is stored."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nxcc_async._core.converter import load
from nxcc_async.emulator import Emulator, LiveMode, WebhookPush
from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.nxcc.signing import signed_headers
from tests.cdr_tables import pg_expected, pg_rows, sqlite_rows

ROOT = Path(__file__).resolve().parent.parent
DAY = 86_400
TOKEN = "push-token-7f3a"


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NXCC_ACCESS_SECRET": "sk"}
    env.pop("NXCC_WEBHOOK_TOKEN", None)
    return env


@contextlib.contextmanager
def _serving(args: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[Any, str]]:
    """``nxcc webhook serve ARGS`` in a child process (stderr to ``log``): the process and the
    URL it announces; killed on the way out if it is still running."""
    cmd = [sys.executable, "-m", "nxcc_async", "webhook", "serve", *args]
    with log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert "receiving" in line, log.read_text()
        yield proc, line.split(" on ", 1)[1].split(" -> ", 1)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _signed(body: bytes, *, ts_ms: int, key: str = "ak", secret: str = "sk", **kw: Any) -> Any:
    return signed_headers(
        access_key=key, access_secret=secret, ts_ms=ts_ms, body=body, action="callback", **kw
    )


def _probes(mode: str, cdr: dict[str, Any]) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Forged pushes, each carrying a CDR of its own id (``FORGED-<name>``)."""

    def body(name: str) -> bytes:
        return orjson.dumps({**cdr, "callId": f"FORGED-{name}"})

    now = int(time.time() * 1000)
    if mode == "token":
        json = {"Content-Type": "application/json"}
        return {
            "wrong_token": (body("wrong_token"), {**json, "token": TOKEN + "x"}),
            "missing_token": (body("missing_token"), json),
            "wrong_key": (body("wrong_key"), {**json, "token": TOKEN, "accessKey": "other"}),
        }
    algorithm = "sha256" if mode == "sha256" else "md5"
    out: dict[str, tuple[bytes, dict[str, str]]] = {}
    good = body("tampered")
    out["tampered"] = (good.replace(b'"callId"', b'"callId" '), _signed(good, ts_ms=now))
    for name, kw in {
        "wrong_key": {"key": "other"},
        "wrong_secret": {"secret": "not-sk"},
        "stale_ts": {"ts_ms": now - 600_000},
        "future_ts": {"ts_ms": now + 600_000},
    }.items():
        b = body(name)
        out[name] = (b, _signed(b, **{"ts_ms": now, "algorithm": algorithm, **kw}))
    b = body("wrong_action")
    headers = signed_headers(
        access_key="ak", access_secret="sk", ts_ms=now, body=b, algorithm=algorithm
    )  # action "cc": a request to the API, replayed at the receiver
    out["wrong_action"] = (b, headers)
    b = body("missing_headers")
    headers = _signed(b, ts_ms=now, algorithm=algorithm)
    del headers["sign"], headers["ts"]
    out["missing_headers"] = (b, headers)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "db"), [("md5", "sqlite"), ("sha256", "postgres"), ("token", "sqlite")]
)
def test_a_day_of_pushes_with_drops_and_duplicates_ends_exactly_once(
    mode: str, db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    t0 = int(time.time())
    start = t0 - DAY - 60
    # a day of calls (one every two minutes on average), all ended a minute ago
    live = LiveMode(
        calls_per_minute=0.5, duration=(1, 20), delay=(0, 2), revised=0.0, start=start, end=t0 - 60
    )
    if db == "postgres":
        to = request.getfixturevalue("postgres_url")
        rows_of = lambda: pg_rows(to)  # noqa: E731
    else:
        path = tmp_path / "cdrs.db"
        to = f"sqlite:///{path}"
        rows_of = lambda: sqlite_rows(path)  # noqa: E731
    with Emulator.in_thread(live=live, seed=11) as emu:
        truth = {c.call_id: load(CallRecord, c.cdr) for c in emu.data.live_calls()}
        args = ["--to", to, "--port", "0", "--reconcile-every", "5", "--since", str(start)]
        args += ["--lookback", "60", "--settle", "0", "--base-url", emu.base_url]
        args += ["--access-key", "ak", "--tenant-id", "144"]
        env = _env()
        if mode == "token":
            env["NXCC_WEBHOOK_TOKEN"] = TOKEN
        log = tmp_path / "serve.err"
        with _serving(args, env, log) as (proc, url):
            sample = emu.data.live_calls()[0].cdr
            probes = _probes(mode, sample)
            statuses = {name: _post(url, b, h) for name, (b, h) in probes.items()}
            assert statuses == dict.fromkeys(probes, 401)

            emu.webhook = WebhookPush(
                url=url, mode=mode, token=TOKEN, drop=0.1, duplicate=0.1,  # type: ignore[arg-type]
                retry_every=0.5, retry_for=30,
            )  # fmt: skip
            assert emu.push_range(start, t0) == len(truth)
            deadline = time.time() + 60
            while emu.pushes.pending and time.time() < deadline:
                time.sleep(0.1)
            assert emu.pushes.pending == 0
            deadline = time.time() + 30  # the reconciliation fetches what was never pushed
            while rows_of().keys() != truth.keys() and time.time() < deadline:
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, log.read_text()
        pushes = emu.pushes

    stderr = log.read_text()
    rows = rows_of()
    assert rows.keys() == truth.keys(), stderr[-2000:]
    expected = pg_expected if db == "postgres" else _columns.row
    assert all(rows[k] == expected(r) for k, r in truth.items())
    assert not any(k.startswith("FORGED") for k in rows)
    # the faults happened: ~10% of a day's ~720 calls dropped, ~10% pushed twice
    assert len(truth) > 600
    assert 0.05 * len(truth) < pushes.dropped < 0.15 * len(truth)
    assert 0.05 * len(truth) < pushes.duplicated < 0.15 * len(truth)
    assert pushes.delivered == len(truth) - pushes.dropped + pushes.duplicated
    assert pushes.by_status == {200: pushes.delivered}
    # the receiver acknowledged every delivered copy and refused exactly the forged pushes
    received = len(probes) + pushes.delivered
    assert f"{received:,} pushes received: {pushes.delivered:,} stored" in stderr, stderr[-2000:]
    assert f"{len(probes)} refused, 0 failed" in stderr
    assert "reconcile round 1" in stderr
    if db == "postgres":
        import psycopg

        with psycopg.connect(to) as conn:
            assert conn.execute(
                "SELECT count(*), count(DISTINCT call_id) FROM cdrs"
            ).fetchone() == (
                len(truth),
                len(truth),
            )


def test_ctrl_c_stops_the_receiver_with_its_summary_and_keeps_what_it_stored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cdrs.db"
    args = ["--to", f"sqlite:///{path}", "--port", "0", "--access-key", "ak"]
    log = tmp_path / "serve.err"
    with _serving(args, {**_env(), "NXCC_WEBHOOK_TOKEN": TOKEN}, log) as (proc, url):
        with Emulator.in_thread(seed=3) as emu:
            cdr = emu.data.cdr_list(1_735_689_600, 1_735_689_600 + 86_399)[0]
        body, headers = orjson.dumps(cdr), {"Content-Type": "application/json", "token": TOKEN}
        assert _post(url, body, headers) == 200
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=30) == 130, log.read_text()
    stderr = log.read_text()
    assert "1 pushes received: 1 stored (1 new rows, 0 updated), 0 refused, 0 failed" in stderr
    assert stderr.rstrip().endswith("nxcc: error: interrupted"), stderr
    assert "Traceback" not in stderr
    assert list(sqlite_rows(path)) == [cdr["callId"]]
