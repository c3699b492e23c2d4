"""CSV sink: one row per record, RFC 4180 (``\\r\\n``, minimal quoting), UTF-8 without BOM.

Columns, in order: the vendor (camelCase) name of every :class:`CallRecord` field, then ``extra``.

- times: ISO-8601 UTC with milliseconds, ``2023-07-27T02:00:37.704Z``; empty when absent;
- enums (``direction``, ``hangupBy``): the vendor's numbers (``direction`` 0 in, 1 out, 2 AICC);
- ``answered``: ``true``/``false``; money (``totalCustomerPrice``): exact decimal text;
- ``None``: empty; ``extra``: JSON object text of unknown vendor fields, empty when none.

Position: ``{"format": "csv", "offset": <bytes>, "rows": <records>}``; resume keeps the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from nxcc_async.harvest.sinks import _columns
from nxcc_async.harvest.sinks._append import AppendFileSink
from nxcc_async.nxcc.records import CallRecord

HEADER: tuple[str, ...] = tuple(c.vendor for c in _columns.COLUMNS)


def _time(value: int) -> str:
    return _columns.iso_ms(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


_FORMAT: dict[str, Callable[[Any], str]] = {"time": _time, "bool": _bool}
_CELLS = tuple((i, _FORMAT[c.kind]) for i, c in enumerate(_columns.COLUMNS) if c.kind in _FORMAT)


def _encode_rows(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


class CsvSink(AppendFileSink):
    """Append-only CSV file with a header row; resume truncates to the checkpointed offset."""

    format = "csv"

    def _header(self) -> bytes:
        return _encode_rows([HEADER])

    def _encode(self, records: Sequence[CallRecord]) -> bytes:
        out = []
        for record in records:
            values = _columns.row(record)
            for i, fmt in _CELLS:
                value = values[i]
                if value is not None:
                    values[i] = fmt(value)
            out.append(values)
        return _encode_rows(out)  # csv writes None as an empty field
