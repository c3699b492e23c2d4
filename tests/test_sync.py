"""``client.cdrs.sync`` into real SQLite and PostgreSQL databases, against the live emulator:
rows equal the emulator's CDRs, re-reads change nothing, revised CDRs are updated, rows and
state commit together, bad arguments fail before anything is sent. The live emulator itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from nxcc_async import AsyncNXCC
from nxcc_async._core.converter import load
from nxcc_async.cli import main
from nxcc_async.emulator import Emulator, LiveMode
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.harvest.db import StateMismatch, redact_url
from nxcc_async.harvest.db.sqlite import SqliteStore
from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.records import CallRecord
from tests.cdr_tables import sqlite_rows

NOW = time.time()
#: calls of a minute that ended long ago: every CDR visible and final
PAST = LiveMode(
    calls_per_minute=120, duration=(1, 60), delay=(0, 5), start=NOW - 3600, end=NOW - 3540
)


@pytest.fixture
async def past_emulator() -> AsyncIterator[Emulator]:
    async with Emulator(live=PAST) as emu:
        yield emu


def _client(emu: Emulator) -> AsyncNXCC:
    return AsyncNXCC(access_key="ak", access_secret="sk", base_url=emu.base_url, tenant_id=144)


def _sqlite_rows(path: Path) -> dict[str, list[Any]]:
    names = ", ".join(c.attr for c in _columns.COLUMNS)
    with sqlite3.connect(path) as db:
        return {r[0]: list(r) for r in db.execute(f"SELECT {names} FROM cdrs")}


# -- the live emulator -------------------------------------------------------------------------


def test_live_cdrs_appear_only_after_the_call_ended_and_the_delay() -> None:
    now = [1_700_000_000.0]
    mode = LiveMode(
        calls_per_minute=30, duration=(1, 30), delay=(2, 9), revised=0.5, revise_after=(1, 5),
        start=now[0], end=now[0] + 120,
    )  # fmt: skip
    data = EmulatorData(seed=3, tenant_id=144, live=mode, clock=lambda: now[0])
    calls = data.live_calls()
    assert 30 < len(calls) < 100
    assert [c.call_id for c in EmulatorData(seed=3, tenant_id=144, live=mode).live_calls()] == [
        c.call_id for c in calls
    ]  # deterministic per seed
    for step in range(0, 200, 7):
        now[0] = 1_700_000_000 + step
        shown = {c["callId"]: c for c in data.cdr_list(1_699_999_000, 1_700_001_000)}
        for call in calls:
            assert (call.call_id in shown) == (call.visible_at <= now[0])
            assert call.visible_at >= call.end_ms / 1000 + 2
            if call.call_id in shown:
                final = now[0] >= call.final_at
                assert (shown[call.call_id] == call.cdr) == final or call.cdr[
                    "totalCustomerPrice"
                ] is None
    assert data.ended_cdrs() == [c.cdr for c in calls]
    assert any(c.final_at > c.visible_at for c in calls)


# -- syncing into databases --------------------------------------------------------------------


async def test_sqlite_backfill_equals_the_emulator_and_a_rerun_changes_nothing(
    past_emulator: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "cdrs.db"
    async with _client(past_emulator) as client:
        first = await client.cdrs.sync(f"sqlite:///{db}", since=NOW - 7200, lookback=600)
        again = await client.cdrs.sync(f"sqlite:///{db}", since=NOW - 7200, lookback=600)
    truth = {c.call_id: load(CallRecord, c.cdr) for c in past_emulator.data.live_calls()}
    assert first.inserted == first.fetched == len(truth) > 50
    assert (again.inserted, again.updated, again.resumed) == (0, 0, True)
    rows = _sqlite_rows(db)
    assert rows == {k: _columns.row(r) for k, r in truth.items()}
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute("SELECT state, arguments FROM nxcc_sync_state").fetchall()
    assert "sk" not in state[1].replace("tasks", "")  # arguments carry no secret
    assert first.watermark <= dt.datetime.now(dt.timezone.utc)


async def test_postgres_backfill_native_types_and_updates(
    tmp_path: Path, postgres_url: str
) -> None:
    psycopg = pytest.importorskip("psycopg")
    t = time.time()
    mode = LiveMode(
        calls_per_minute=240, duration=(1, 2), delay=(0, 0.5), revised=1.0,
        revise_after=(6, 7), start=t - 40, end=t - 4,
    )  # fmt: skip
    async with Emulator(live=mode) as emu, _client(emu) as client:
        first = await client.cdrs.sync(postgres_url, since=t - 60, lookback=60, settle=0)
        sqlite_first = await client.cdrs.sync(
            f"sqlite:///{tmp_path / 'c.db'}", since=t - 60, lookback=60, settle=0
        )
        await asyncio.sleep(max(0.0, max(c.final_at for c in emu.data.live_calls()) - time.time()))
        second = await client.cdrs.sync(postgres_url, since=t - 60, lookback=60, settle=0)
        sqlite_second = await client.cdrs.sync(
            f"sqlite:///{tmp_path / 'c.db'}", since=t - 60, lookback=60, settle=0
        )
        truth = emu.data.live_calls()
    assert first.inserted == len(truth) > 50
    assert sqlite_first.inserted == first.inserted
    # both stores see the revisions made after their first round (how many depends on the
    # moment of each first round), and end with the final values
    assert second.updated > 0
    assert sqlite_second.updated > 0
    rows = sqlite_rows(tmp_path / "c.db")
    assert rows == {c.call_id: _columns.row(load(CallRecord, c.cdr)) for c in truth}
    with psycopg.connect(postgres_url) as db:
        types = dict(
            db.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'cdrs'"
            ).fetchall()
        )
        prices = dict(db.execute("SELECT call_id, total_customer_price FROM cdrs").fetchall())
    assert types["start_time"] == "timestamp with time zone"
    assert types["total_customer_price"] == "numeric"
    assert types["answered"] == "boolean"
    assert types["extra"] == "jsonb"
    assert types["direction"] == "bigint"
    assert prices == {c.call_id: load(CallRecord, c.cdr).total_customer_price for c in truth}


async def test_rows_and_state_commit_together(
    past_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SqliteStore, "_put_state", broken)
    db = tmp_path / "cdrs.db"
    async with _client(past_emulator) as client:
        with pytest.raises(RuntimeError, match="disk on fire"):
            await client.cdrs.sync(f"sqlite:///{db}", since=NOW - 7200)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM cdrs").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM nxcc_sync_state").fetchone() == (0,)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"since": dt.datetime(2025, 1, 1)}, ValueError, "naive"),
        ({"since": 2_000, "until": 1_000}, ValueError, "after since"),
        ({"since": 1_000, "lookback": -1}, ValueError, "lookback"),
        ({"since": 1_000, "interval": 0}, ValueError, "interval"),
        ({"since": 1_000, "table": "Robert'); DROP"}, ValueError, "identifier"),
        ({"since": 1_000, "to": "mysql://u:hunter2@h/db"}, ValueError, "unknown destination"),
    ],
)
async def test_bad_arguments_fail_before_anything_is_sent(
    past_emulator: Emulator, tmp_path: Path, kwargs: dict[str, Any], error: type, match: str
) -> None:
    to = kwargs.pop("to", f"sqlite:///{tmp_path / 'x.db'}")
    async with _client(past_emulator) as client:
        with pytest.raises(error, match=match) as info:
            await client.cdrs.sync(to, **kwargs)
    assert "hunter2" not in str(info.value)
    assert past_emulator.stats.total == 0
    assert not (tmp_path / "x.db").exists()


async def test_a_table_synced_with_other_arguments_is_refused(
    past_emulator: Emulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    async with _client(past_emulator) as client:
        await client.cdrs.sync(url, since=NOW - 7200)
        sent = past_emulator.stats.total
        with pytest.raises(StateMismatch, match="other arguments"):
            await client.cdrs.sync(url, since=NOW - 7200, direction="inbound")
        with pytest.raises(StateMismatch):
            await client.cdrs.sync(url, since=NOW - 7000)
    assert past_emulator.stats.total == sent


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cr3t@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db?password=s3cr3t", "postgresql://u@h/db?password=***"),
        ("postgresql://u@h/db?sslmode=require&SSLPassword=s3cr3t&a=1",
         "postgresql://u@h/db?sslmode=require&SSLPassword=***&a=1"),
        ("postgresql://u:p#s3cr3t@h/db", "postgresql://u:***@h/db"),  # unencoded, libpq reads it
        ("postgresql://u:a/s3cr3t?x@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:s3cr3t@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db"),
        ("postgresql://u:s3cr3t@h:abc/db", "postgresql://u:***@h:abc/db"),  # no bare error
        ("sqlite:///cdrs.db", "sqlite:///cdrs.db"),
    ],
)  # fmt: skip
def test_a_destination_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "s3cr3t" not in redact_url(url)


def test_cli_sync_prints_a_summary_and_never_the_password(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_password = postgres_url.replace("postgres@", "postgres:s3cr3t-pw@")
    with Emulator.in_thread(live=PAST) as emu:
        monkeypatch.setenv("NXCC_ACCESS_SECRET", "sk")
        argv = ["cdrs", "sync", "--to", with_password, "--since", str(int(NOW - 7200))]
        argv += ["--base-url", emu.base_url, "--access-key", "ak", "--tenant-id", "144"]
        assert main([*argv, "--progress", "off"]) == 0
        assert main([*argv, "--until", str(int(NOW - 8000))]) == 2
        assert main([*argv[:-8], "--to", "ftp://x", *argv[4:]]) == 2
    out, err = capsys.readouterr()
    assert "synced" in out
    assert "postgresql://postgres:***@" in out
    assert "s3cr3t" not in out + err
    assert "--until" in err
    assert "unknown destination" in err


def test_a_missing_dlt_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare ``No module named 'dlt'`` said nothing of the extra."""
    monkeypatch.setitem(sys.modules, "dlt", None)
    monkeypatch.delitem(sys.modules, "nxcc_async.integrations.dlt", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'dlt\[duckdb\]>=1.5' \(the dlt extra\)"):
        importlib.import_module("nxcc_async.integrations.dlt")


def test_dlt_source_merges_into_duckdb(tmp_path: Path) -> None:
    dlt = pytest.importorskip("dlt")
    import duckdb

    from nxcc_async.integrations.dlt import nxcc_source

    with Emulator.in_thread(live=PAST) as emu:

        def client() -> AsyncNXCC:
            return _client(emu)

        pipeline = dlt.pipeline(
            "nxcc_test",
            destination=dlt.destinations.duckdb(str(tmp_path / "c.duckdb")),
            dataset_name="cc",
            pipelines_dir=str(tmp_path / "dlt"),
        )
        for _ in range(2):
            pipeline.run(nxcc_source(client, since=NOW - 7200, lookback=600))
        truth = {c.call_id for c in emu.data.live_calls()}
    with duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True) as db:
        ids = [r[0] for r in db.execute("SELECT call_id FROM cc.cdrs").fetchall()]
    assert sorted(ids) == sorted(truth)


async def test_postgres_stores_opening_a_new_database_at_once_take_turns(
    postgres_url: str,
) -> None:
    pytest.importorskip("psycopg")
    from nxcc_async.harvest.db.postgres import PostgresStore

    async def opened(table: str) -> None:
        async with PostgresStore(postgres_url, table) as state:
            assert state is None  # a new table: no state row yet

    # the docs' "several accounts in one process": tables of one new database, opened together
    await asyncio.gather(*(opened(f"cdrs_{n}") for n in range(6)))
