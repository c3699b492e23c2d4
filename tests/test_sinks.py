"""Export sinks: exactly-once output across crashes, formats, values, refusals."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from nxcc_async._core.converter import load
from nxcc_async.harvest import FORMATS, Sink, SinkPosition, open_sink
from nxcc_async.harvest.sinks import csv as csv_sink
from nxcc_async.harvest.sinks import parquet as parquet_sink
from nxcc_async.nxcc.enums import CallDirection
from nxcc_async.nxcc.records import CallRecord

pq = pytest.importorskip("pyarrow.parquet")

T0 = 1690423237704  # 2023-07-27T02:00:37.704Z
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "sqlite": ".sqlite", "parquet": ".parquet"}


def make_record(i: int) -> CallRecord:
    """A realistic CDR; every 4th is unanswered (no answer time), odd ones have a nickname."""
    start = T0 + i * 61_000
    answered = i % 4 != 0
    return load(
        CallRecord,
        {
            "callId": f"5f2c{i:06d}-a1b2",
            "orderId": f"ORD-{i}",
            "direction": i % 3,
            "caller": "+6581234567",
            "callee": f"+8526123{i % 10000:04d}",
            "agentName": "NX0001@example.com",
            "agentNickName": "王小明 🎧" if i % 2 else None,
            "answered": answered,
            "startTime": start,
            "ringTime": start + 1_200,
            "answerTime": start + 6_000 if answered else 0,
            "endTime": start + 60_000,
            "callDuration": 54 if answered else 0,
            "ringDuration": 5,
            "hangupBy": 1,
            "hangupCode": 1002 if answered else 1103,
            "hangupReason": "用户挂机" if answered else '排队中放弃, "quoted"\nline',
            "dtmfKeys": "1,2,#",
            "totalCustomerPrice": round(0.0125 * (i % 7), 4),
            "mos": 4.21,
            "termSipCode": 200,
            "futureField": {"nested": [1, "二"]},
        },
    )


RECORDS = [make_record(i) for i in range(40)]
BATCHES = [RECORDS[0:10], RECORDS[10:25], RECORDS[25:30], RECORDS[30:40]]


def read_ids(fmt: str, path: Path) -> list[str]:
    """The call ids in the output, in storage order."""
    return [row["call_id"] for row in read_rows(fmt, path)]


def read_rows(fmt: str, path: Path) -> list[dict[str, Any]]:
    """Output rows with a ``call_id`` key (other keys as the format stores them)."""
    if fmt == "jsonl":
        lines = path.read_bytes().splitlines()
        return [{"call_id": orjson.loads(line)["callId"], "raw": line} for line in lines]
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as f:
            return [{"call_id": r["callId"], **r} for r in csv.DictReader(f)]
    if fmt == "sqlite":
        with closing(sqlite3.connect(path)) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM cdrs ORDER BY start_time")]
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def crash(sink: Sink) -> None:
    """Abandon a sink as a crash would: release its handles without committing."""
    sink._release()


@pytest.fixture(params=FORMATS)
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def out(fmt: str, tmp_path: Path) -> Path:
    return tmp_path / f"cdrs{SUFFIX[fmt]}"


def assert_at_position(fmt: str, path: Path, position: SinkPosition) -> None:
    """Nothing written after ``position`` survived a resume."""
    if fmt in {"jsonl", "csv"}:
        assert path.stat().st_size == position["offset"]
    elif fmt == "parquet":
        names = sorted(p.name for p in path.iterdir())
        assert names == [f"part-{i:05d}.parquet" for i in range(position["parts"])]
    else:
        assert len(read_rows(fmt, path)) == position["rows"]


def test_resume_after_crash_is_exactly_once(fmt: str, out: Path) -> None:
    sink = open_sink(out)
    sink.write(BATCHES[0])
    sink.write(BATCHES[1])
    position = sink.commit()
    orjson.dumps(position)  # JSON-serialisable
    assert position["rows"] == 25
    sink.write(BATCHES[2])  # a window in flight...
    crash(sink)  # ...when the process dies
    if fmt in {"jsonl", "csv"}:
        with out.open("ab") as f:
            f.write(b'{"callId": "torn-partial-li')  # a torn last line

    with open_sink(out, resume=position) as resumed:
        assert_at_position(fmt, out, position)
        resumed.write(BATCHES[2])
        assert resumed.commit()["rows"] == 30
        resumed.write(BATCHES[3])
    ids = read_ids(fmt, out)
    assert sorted(ids) == sorted(r.call_id for r in RECORDS)
    assert len(ids) == len(set(ids)) == 40


def test_commit_without_checkpoint_is_dropped(fmt: str, out: Path) -> None:
    """A crash between ``commit()`` and saving the checkpoint: the window is written again."""
    with open_sink(out) as sink:
        sink.write(BATCHES[0])
        position = sink.commit()
        sink.write(BATCHES[1])
        sink.commit()  # durable, but the checkpoint was never saved
    with open_sink(out, resume=position) as sink:
        for batch in BATCHES[1:]:
            sink.write(batch)
            sink.commit()
    ids = read_ids(fmt, out)
    assert sorted(ids) == sorted(r.call_id for r in RECORDS)
    assert len(ids) == 40


def test_resume_from_empty_position(fmt: str, out: Path) -> None:
    with open_sink(out) as sink:
        position = sink.commit()
        sink.write(BATCHES[0])
    with open_sink(out, resume=position) as sink:
        sink.write(BATCHES[1])
    assert read_ids(fmt, out) == [r.call_id for r in BATCHES[1]]


def test_overwrite_refusal(fmt: str, out: Path) -> None:
    with open_sink(out) as sink:
        sink.write(BATCHES[0])
    with pytest.raises(FileExistsError, match="overwrite=True"):
        open_sink(out)
    assert len(read_ids(fmt, out)) == 10  # nothing lost
    with open_sink(out, overwrite=True) as sink:
        sink.write(BATCHES[3])
    assert sorted(read_ids(fmt, out)) == sorted(r.call_id for r in BATCHES[3])


def test_wrong_position_format(fmt: str, out: Path) -> None:
    with open_sink(out) as sink:
        sink.write(BATCHES[0])
    other = "csv" if fmt == "jsonl" else "jsonl"
    with pytest.raises(ValueError, match="not a"):
        open_sink(out, resume={"format": other, "offset": 0, "rows": 0, "last_rowid": 0})


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_refuses_a_shorter_or_foreign_file(out: Path) -> None:
    with open_sink(out) as sink:
        sink.write(BATCHES[0])
        position = sink.commit()
    with out.open("r+b") as f:
        f.truncate(position["offset"] - 5)
    with pytest.raises(ValueError, match="truncated or replaced"):
        open_sink(out, resume=position)
    with pytest.raises(ValueError, match="line end"):
        open_sink(out, resume={**position, "offset": position["offset"] - 20})


def test_jsonl_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "cdrs.ndjson"
    with open_sink(out) as sink:
        for batch in BATCHES:
            sink.write(batch)
    raw = out.read_bytes()
    assert raw.endswith(b"\n")
    back = [load(CallRecord, orjson.loads(line)) for line in raw.splitlines()]
    assert back == RECORDS
    assert back[1].agent_nick_name == "王小明 🎧"
    assert back[0].answer_time is None
    assert back[3].extra == {"futureField": {"nested": [1, "二"]}}
    assert back[3].total_customer_price == Decimal("0.0375")
    assert "王小明".encode() in raw  # UTF-8, not \u escapes


def test_csv_values(tmp_path: Path) -> None:
    out = tmp_path / "cdrs.csv"
    with open_sink(out) as sink:
        sink.write(RECORDS[:4])
    rows = read_rows("csv", out)
    with out.open(newline="", encoding="utf-8") as f:
        assert tuple(next(csv.reader(f))) == csv_sink.HEADER
    assert csv_sink.HEADER[0] == "callId"
    assert csv_sink.HEADER[-1] == "extra"
    assert "totalCustomerPrice" in csv_sink.HEADER
    assert len(rows) == 4
    first, second = rows[0], rows[1]
    assert first["startTime"] == "2023-07-27T02:00:37.704Z"
    assert first["answerTime"] == ""
    assert first["answered"] == "false"
    assert first["agentNickName"] == ""
    assert second["agentNickName"] == "王小明 🎧"
    assert second["direction"] == "1"
    assert second["totalCustomerPrice"] == "0.0125"
    assert orjson.loads(second["extra"]) == {"futureField": {"nested": [1, "二"]}}
    assert first["hangupReason"] == '排队中放弃, "quoted"\nline'


def test_csv_extra_empty_when_none(tmp_path: Path) -> None:
    out = tmp_path / "cdrs.csv"
    with open_sink(out) as sink:
        sink.write([CallRecord(call_id="x", direction=CallDirection.AICC)])
    (row,) = read_rows("csv", out)
    assert row["extra"] == ""
    assert row["direction"] == "2"
    assert row["totalCustomerPrice"] == ""


def test_sqlite_values_and_upsert(tmp_path: Path) -> None:
    out = tmp_path / "cdrs.db"
    with open_sink(out) as sink:
        sink.write(RECORDS[:4])
        sink.write([RECORDS[1]])  # the same call again: updated, not duplicated
        assert sink.commit() == {"format": "sqlite", "rows": 4, "last_rowid": 4}
    with closing(sqlite3.connect(out)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        types = {r[1]: r[2] for r in db.execute("PRAGMA table_info(cdrs)")}
        indexes = [r[1] for r in db.execute("PRAGMA index_list(cdrs)")]
    assert types["start_time"] == "INTEGER"
    assert types["total_customer_price"] == "TEXT"
    assert types["mos"] == "REAL"
    assert "cdrs_start_time" in indexes
    rows = read_rows("sqlite", out)
    assert len(rows) == 4
    first, second = rows[0], rows[1]
    assert first["start_time"] == T0
    assert first["answer_time"] is None
    assert first["answered"] == 0
    assert second["agent_nick_name"] == "王小明 🎧"
    assert second["total_customer_price"] == "0.0125"
    assert orjson.loads(second["extra"]) == {"futureField": {"nested": [1, "二"]}}


def test_parquet_values_schema_and_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_sink, "ROW_GROUP", 7)  # memory bound: one row group
    out = tmp_path / "cdrs.parquet"
    with open_sink(out) as sink:
        sink.write(RECORDS[:20])
        assert sink.commit() == {"format": "parquet", "parts": 1, "rows": 20}
        assert sink.commit()["parts"] == 1  # nothing new: no empty part
        sink.write(RECORDS[20:])
    parts = sorted(out.iterdir())
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet"]
    assert pq.ParquetFile(parts[0]).metadata.num_row_groups == 3
    table = pq.read_table(out)
    assert str(table.schema.field("start_time").type) == "timestamp[ms, tz=UTC]"
    rows = table.to_pylist()
    assert len(rows) == 40
    first, second = rows[0], rows[1]
    assert first["start_time"] == dt.datetime(2023, 7, 27, 2, 0, 37, 704000, tzinfo=dt.timezone.utc)
    assert first["answer_time"] is None
    assert second["agent_nick_name"] == "王小明 🎧"
    assert second["total_customer_price"] == "0.0125"
    assert orjson.loads(second["extra"]) == {"futureField": {"nested": [1, "二"]}}


def test_parquet_leaves_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "cdrs.parquet"
    out.mkdir()
    (out / "README.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        open_sink(out)
    with open_sink(out, overwrite=True) as sink:
        sink.write(RECORDS[:3])
    assert (out / "README.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.jsonl", "jsonl"), ("a.NDJSON", "jsonl"), ("a.csv", "csv"), ("a.db", "sqlite")],
)
def test_format_from_extension(tmp_path: Path, name: str, expected: str) -> None:
    with open_sink(tmp_path / name) as sink:
        assert sink.format == expected


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"extension '\.xlsx'.*format="):
        open_sink(tmp_path / "cdrs.xlsx")
    with pytest.raises(ValueError, match="unknown sink format 'xml'"):
        open_sink(tmp_path / "cdrs.jsonl", format="xml")
    with open_sink(tmp_path / "cdrs.out", format="csv") as sink:
        assert sink.format == "csv"
    assert not (tmp_path / "cdrs.xlsx").exists()


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "nxcc_async.harvest.sinks.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"pip install 'pyarrow>=15' \(the parquet extra\)"):
        open_sink(tmp_path / "cdrs.parquet")


def test_closed_sink_refuses_writes(tmp_path: Path) -> None:
    sink = open_sink(tmp_path / "cdrs.jsonl")
    sink.close()
    sink.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        sink.write(RECORDS[:1])


@pytest.fixture(autouse=True)
def _no_leaked_temp_files(tmp_path: Path) -> Iterator[None]:
    yield
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".inprogress"))]
    assert not leftovers


def test_a_header_only_csv_counts_as_empty(tmp_path: Path) -> None:
    """A run killed after the CSV header was written but before its first checkpoint leaves
    the header alone: the next run may start over in it (no row is lost), unlike real rows."""
    out = tmp_path / "cdrs.csv"
    with open_sink(out) as sink:
        sink.commit()  # the header only
    header = out.read_bytes()
    assert header.startswith(b"callId")
    with open_sink(out) as sink:
        sink.write(BATCHES[0])
    assert len(read_ids("csv", out)) == 10
    out.write_bytes(header[:-3])  # not our header: refused
    with pytest.raises(FileExistsError, match="overwrite=True"):
        open_sink(out)


def _reference_row(record: CallRecord) -> list[Any]:
    """A record's column values built from its attributes alone (nothing raw, nothing
    compiled): the definition the compiled ``_columns.row`` must agree with."""
    from nxcc_async._core import timeutil
    from nxcc_async.harvest.sinks import _columns

    out: list[Any] = []
    for column in _columns.COLUMNS:
        value = getattr(record, column.attr)
        if column.kind == "time":
            value = None if value is None else timeutil.to_epoch_ms(value)
        elif column.kind == "decimal":
            value = None if value is None else str(value)
        elif column.kind == "json":
            value = orjson.dumps(dict(value)).decode() if value else None
        elif isinstance(value, CallDirection):
            value = value.record_code
        elif isinstance(value, int) and not isinstance(value, bool):
            value = int(value)  # HangupParty members and unknown codes: the number
        out.append(value)
    return out


def test_compiled_column_row_agrees_with_the_attributes() -> None:
    from nxcc_async.emulator.data import EmulatorData
    from nxcc_async.harvest.sinks import _columns

    data = EmulatorData(seed=11, tenant_id="t", cdrs_per_day=2_000, cache_records=5_000)
    for obj in data.cdr_list(1_735_689_600, 1_735_689_600 + 86_399)[:300]:
        fresh = load(CallRecord, {**obj, "hangupBy": 7, "surprise": [1]})  # raw slots
        assert _columns.row(fresh) == _reference_row(fresh)
        read = load(CallRecord, dict(obj))
        _ = (read.start_time, read.direction, read.hangup_by, read.total_customer_price)
        assert _columns.row(read) == _reference_row(read)  # converted slots
    built = CallRecord(
        call_id="c",
        direction=CallDirection.OUTBOUND,
        start_time=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
        total_customer_price=Decimal("0.50"),
    )
    assert _columns.row(built) == _reference_row(built)
    assert _columns.row(built)[2] == 1


@pytest.mark.parametrize(
    "value",
    [0.0, -0.0, 0.012, 3.0, 100.0, 0.1 + 0.2, 1e-4, 9.99e-5, 1e-7, 12345.678, 1e15, 1e16, 2.5e21],
)
def test_raw_money_text_is_the_decimal_text(value: float) -> None:
    from nxcc_async.harvest.sinks import _columns

    record = load(CallRecord, {"callId": "m", "totalCustomerPrice": value})
    money = _columns.COLUMNS.index(next(c for c in _columns.COLUMNS if c.kind == "decimal"))
    assert _columns.row(record)[money] == str(Decimal(repr(value)))
    assert _columns.row(record)[money] == str(record.total_customer_price)  # read: converted


def test_raw_money_text_matches_decimal_over_many_magnitudes() -> None:
    import random

    from nxcc_async.harvest.sinks._columns import _decimal_text

    rng = random.Random(5)
    for _ in range(20_000):
        value = rng.uniform(-1, 1) * 10 ** rng.randint(-12, 22)
        assert _decimal_text(value) == str(Decimal(repr(value))), value
