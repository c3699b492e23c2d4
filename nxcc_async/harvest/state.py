"""What a harvest needs from a client (:class:`Source`) and what it needs to resume
(:class:`HarvestState`, the typed content of a checkpoint)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs
import orjson

from nxcc_async._core.page import Page
from nxcc_async.harvest.checkpoint import CheckpointCorrupt
from nxcc_async.nxcc.records import CallRecord

#: ``fetch(low, high, page)``: page ``page`` (from 1) of the calls that started in
#: ``[low, high]`` (Unix seconds, both ends sent to the server).
FetchPage = Callable[[int, int, int], Awaitable[Page[CallRecord]]]


def fingerprint(identity: Mapping[str, Any]) -> str:
    """A short hash of what identifies a harvest (server, tenant, period, filters).
    ``identity`` must hold no secret: only its hash is stored."""
    return hashlib.sha256(orjson.dumps(dict(identity))).hexdigest()[:20]


@attrs.frozen
class Source:
    """A harvest's view of a client: ``fetch`` one page of one time window, ``concurrency``
    (requests in flight at most), ``page_size``, and the ``fingerprint`` of the harvest's
    arguments (a checkpoint of other arguments is never applied)."""

    fetch: FetchPage
    concurrency: int
    page_size: int
    fingerprint: str


@attrs.frozen(kw_only=True)
class HarvestState:
    """Everything needed to resume a harvest right after the last batch handed out.

    ``done_until``: the first second not handed out; ``recent_ids``: ids of the calls of the
    last seconds (the next window may repeat them); ``rate``: the density estimate (calls per
    second); ``sink``: the export's committed output position, when there is one."""

    fingerprint: str
    start: int
    end: int
    done_until: int
    recent_ids: dict[str, int] = attrs.field(factory=dict)
    windows: int = 0
    rows: int = 0
    duplicates: int = 0
    rate: float | None = None
    done: bool = False
    sink: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The checkpoint's ``state`` object."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> HarvestState:
        """The state saved by :meth:`to_json`; :class:`CheckpointCorrupt` when it is not one."""
        try:
            rate = data.get("rate")
            sink = data.get("sink")
            return cls(
                fingerprint=str(data["fingerprint"]),
                start=int(data["start"]),
                end=int(data["end"]),
                done_until=int(data["done_until"]),
                recent_ids={str(k): int(v) for k, v in dict(data.get("recent_ids", {})).items()},
                windows=int(data.get("windows", 0)),
                rows=int(data.get("rows", 0)),
                duplicates=int(data.get("duplicates", 0)),
                rate=None if rate is None else float(rate),
                done=bool(data.get("done", False)),
                sink=None if sink is None else dict(sink),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointCorrupt(
                f"checkpoint {where} does not hold a harvest state ({exc!r}); delete it to "
                "start over"
            ) from None
