"""A `dlt <https://dlthub.com>`_ source of CDRs: load them into DuckDB, BigQuery, Snowflake,
PostgreSQL, files... and run the load under the orchestrators dlt supports.

    import dlt
    from nxcc_async.integrations.dlt import nxcc_source

    pipeline = dlt.pipeline("nxcc", destination="duckdb", dataset_name="callcenter")
    pipeline.run(nxcc_source(since=datetime(2025, 1, 1, tzinfo=timezone.utc)))

The resource ``cdrs`` has ``call_id`` as primary key and the ``merge`` write disposition (a CDR
read twice is updated, never duplicated), and an incremental cursor on ``start_time`` whose
``lag`` is the ``lookback``: each run re-reads the calls that started up to ``lookback`` seconds
before the latest start seen, so CDRs that appear late are caught (see ``docs/sync.md``). The
cursor lives in dlt's pipeline state, in the destination. Needs the ``dlt`` extra.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs

try:
    import dlt
    from dlt.extract.resource import DltResource
    from dlt.extract.source import DltSource
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the dlt source needs dlt: pip install 'dlt[duckdb]>=1.5' (the dlt extra)"
    ) from exc

from nxcc_async._core.timeutil import TimeArg, to_epoch_seconds
from nxcc_async.client.client import AsyncNXCC
from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.cdr_filters import CdrFilters
from nxcc_async.nxcc.records import CallRecord

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # pragma: no cover
    from typing_extensions import Unpack

__all__ = ["cdrs_resource", "nxcc_source", "row"]

_CHUNK = 1_000
_FIELDS = tuple(f for f in attrs.fields(CallRecord))
_DLT_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double",
    "bool": "bool",
    "time": "timestamp",
    "decimal": "decimal",
    "json": "json",
}
#: Column types, so that a column that is null in every row so far still exists.
COLUMNS: dict[str, Any] = {c.attr: {"data_type": _DLT_TYPES[c.kind]} for c in _columns.COLUMNS}
COLUMNS["call_id"]["nullable"] = False


def row(record: CallRecord) -> dict[str, Any]:
    """One record as a row: attribute names, aware UTC datetimes, ``Decimal`` price, enums as
    their vendor numbers, ``extra`` as a JSON object (``None`` when empty)."""
    out: dict[str, Any] = {}
    for field in _FIELDS:
        value = getattr(record, field.name)
        if field.name == "extra":
            value = dict(value) if value else None
        elif isinstance(value, enum.Enum):
            value = field.metadata["codec"].dump(value)
        out[field.name] = value
    return out


def cdrs_resource(
    client: Callable[[], AsyncNXCC] = AsyncNXCC.from_env,
    *,
    since: TimeArg,
    lookback: float = 7200.0,
    settle: float = 5.0,
    table_name: str = "cdrs",
    **filters: Unpack[CdrFilters],
) -> DltResource:
    """The ``cdrs`` resource: every CDR that started since ``since``, read from
    ``[last start seen - lookback, now - settle)`` on each run. ``client`` makes the client
    (called inside dlt's event loop; default: ``AsyncNXCC.from_env``)."""
    since_s = to_epoch_seconds(since, "since")
    if isinstance(lookback, bool) or not isinstance(lookback, (int, float)) or lookback < 0:
        raise ValueError(f"lookback must be >= 0 seconds, got {lookback!r}")
    if isinstance(settle, bool) or not isinstance(settle, (int, float)) or settle < 0:
        raise ValueError(f"settle must be >= 0 seconds, got {settle!r}")
    initial = dt.datetime.fromtimestamp(since_s, dt.timezone.utc)
    cursor = dlt.sources.incremental("start_time", initial_value=initial, lag=float(lookback))

    @dlt.resource(
        name=table_name,
        primary_key="call_id",
        write_disposition="merge",
        columns=COLUMNS,
    )
    async def cdrs(
        start_time: dlt.sources.incremental[dt.datetime] = cursor,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        first = start_time.start_value or initial
        low = max(since_s, int(first.timestamp()))
        high = int(time.time() - settle)
        if high <= low:
            return
        async with client() as nxcc:
            chunk: list[dict[str, Any]] = []
            async for record in nxcc.cdrs.harvest(low, high, **filters):
                chunk.append(row(record))
                if len(chunk) >= _CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    resource: DltResource = cdrs
    return resource


def nxcc_source(
    client: Callable[[], AsyncNXCC] = AsyncNXCC.from_env,
    *,
    since: TimeArg,
    lookback: float = 7200.0,
    settle: float = 5.0,
    source_name: str = "nxcc",
    **filters: Unpack[CdrFilters],
) -> DltSource:
    """A dlt source named ``source_name`` holding :func:`cdrs_resource`; same arguments."""
    resource = cdrs_resource(client, since=since, lookback=lookback, settle=settle, **filters)

    @dlt.source(name=source_name)
    def source() -> DltResource:
        return resource

    built: DltSource = source()
    return built
