"""Printing records: a table (rich), JSON Lines (the vendor's shape) or CSV, on stdout."""

from __future__ import annotations

import csv
import enum
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nxcc_async._core.converter import dump

FORMATS = ("table", "jsonl", "csv")

#: Column name -> how to get the cell from a record.
Columns = Mapping[str, Callable[[Any], object]]


def text(value: object) -> str:
    """A cell as text: ``""`` for ``None``, enums by name, tuples comma-joined."""
    if value is None:
        return ""
    if isinstance(value, enum.IntEnum):
        return value.name.lower()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (tuple, list)):
        return ",".join(text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    title: str = "",
    *,
    numeric: Sequence[str] = (),
) -> None:
    """A table on stdout (fitted to the content when stdout is not a terminal); the
    ``numeric`` columns are right-aligned."""
    table = Table()
    for header in headers:
        table.add_column(Text(header), justify="right" if header in numeric else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: no markup in cells
    width = None
    if not sys.stdout.isatty():
        cells = [headers, *rows]
        width = sum(max(len(c[i]) for c in cells) + 3 for i in range(len(headers))) + 2
    console = Console(file=sys.stdout, width=width)
    if title:
        console.print(Text(title, style="bold"), soft_wrap=True)
    console.print(table)


def emit(records: Sequence[Any], columns: Columns, fmt: str, title: str = "") -> None:
    """Print ``records``: ``table`` and ``csv`` show ``columns``; ``jsonl`` every vendor field."""
    if fmt == "jsonl":
        out = sys.stdout
        for record in records:
            out.write(orjson.dumps(dump(record), default=str).decode() + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([text(get(record)) for get in columns.values()])
    elif fmt == "table":
        rows = [[text(get(record)) for get in columns.values()] for record in records]
        print_table(list(columns), rows, title)
    else:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")


def duration(seconds: int) -> str:
    """``1:02:03`` for 3723 seconds."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
