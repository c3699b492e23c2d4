"""Read the few columns the demo summary needs back from an export, whatever its format."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import orjson


class Call(NamedTuple):
    """What the summary needs of one CDR; ``direction`` is the record number (0 in, 1 out,
    2 AICC)."""

    agent: str | None
    answered: bool
    talk_seconds: int
    direction: int | None


def _int(value: object) -> int | None:
    if value is None or value == "":
        return None
    return int(str(value))


def _jsonl(path: Path) -> Iterator[Call]:
    with path.open("rb") as f:
        for line in f:
            d = orjson.loads(line)
            yield Call(
                d.get("agentName"),
                bool(d.get("answered")),
                int(d.get("callDuration") or 0),
                _int(d.get("direction")),
            )


def _csv(path: Path) -> Iterator[Call]:
    with path.open(newline="", encoding="utf-8") as f:
        for d in csv.DictReader(f):
            yield Call(
                d.get("agentName") or None,
                d.get("answered") == "true",
                int(d.get("callDuration") or 0),
                _int(d.get("direction")),
            )


def _sqlite(path: Path) -> Iterator[Call]:
    db = sqlite3.connect(path)
    try:
        query = "SELECT agent_name, answered, call_duration, direction FROM cdrs"
        for agent, answered, talk, direction in db.execute(query):
            yield Call(agent, bool(answered), int(talk or 0), direction)
    finally:
        db.close()


def _parquet(path: Path) -> Iterator[Call]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    columns = ["agent_name", "answered", "call_duration", "direction"]
    for d in pq.read_table(path, columns=columns).to_pylist():
        yield Call(
            d["agent_name"], bool(d["answered"]), int(d["call_duration"] or 0), d["direction"]
        )


_READERS = {"jsonl": _jsonl, "csv": _csv, "sqlite": _sqlite, "parquet": _parquet}


def calls(path: Path, fmt: str) -> Iterator[Call]:
    """The calls in the export at ``path`` of format ``fmt``."""
    return _READERS[fmt](path)
