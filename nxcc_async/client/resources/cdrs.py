"""``client.cdrs``: call detail records, by page, by stream, by order id, and in bulk."""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from typing import Any

from typing_extensions import Unpack

from nxcc_async._core.channel import Channel
from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_until_short
from nxcc_async._core.timeutil import TimeArg
from nxcc_async.client.resources.base import Resource
from nxcc_async.harvest.export import ExportResult, export
from nxcc_async.harvest.harvester import ProgressCallback
from nxcc_async.harvest.state import Source, fingerprint
from nxcc_async.harvest.stream import harvest_stream
from nxcc_async.harvest.sync import RoundCallback, SyncResult, check_options, run_sync
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.cdr_filters import CdrFilters
from nxcc_async.nxcc.records import CallRecord


class CdrsAPI(Resource):
    """Call detail records (``cdr/page``, ``cdr/queryByOrderId``); filters: see
    :class:`~nxcc_async.nxcc.cdr_filters.CdrFilters`."""

    def __init__(self, channel: Channel, owner: object, *, identity: Mapping[str, Any]) -> None:
        super().__init__(channel, owner)
        self._identity = dict(identity)

    async def page(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page: int = 1,
        size: int = ep.CDR_PAGE_MAX,
        **filters: Unpack[CdrFilters],
    ) -> Page[CallRecord]:
        """One page (``size`` at most 100) of the CDRs that started between ``start`` and
        ``end`` (aware datetimes or Unix seconds). The API gives no total."""
        fields = ep.CDR_PAGE.at(ep.cdr_fields(start, end, filters), page, size)
        return await self._send(ep.CDR_PAGE, fields)

    def iter(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page_size: int = ep.CDR_PAGE_MAX,
        **filters: Unpack[CdrFilters],
    ) -> ItemStream[CallRecord]:
        """Every CDR in the range, page by page until a short page (sequential: the API gives
        no total). For long ranges use ``harvest``, which fetches time windows concurrently."""
        first = ep.CDR_PAGE.at(ep.cdr_fields(start, end, filters), 1, page_size)

        async def fetch(number: int) -> Page[CallRecord]:
            return await self._send(ep.CDR_PAGE, {**first, "page": number})

        return ItemStream(iter_pages_until_short(fetch))

    async def by_order(self, order_id: str) -> builtins.list[CallRecord]:
        """The CDRs of one order (an order may produce several calls)."""
        return await self._send(ep.CDR_BY_ORDER, ep.order_fields(order_id))

    def harvest(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        checkpoint: str | os.PathLike[str] | None = None,
        page_size: int = ep.CDR_PAGE_MAX,
        window: int = 600,
        checkpoint_every: float = 0.0,
        on_progress: ProgressCallback | None = None,
        **filters: Unpack[CdrFilters],
    ) -> ItemStream[CallRecord]:
        """Every CDR that started in ``[start, end)``, exactly once, fetched concurrently.

        The period is cut into a few time windows (none shorter than ``window`` seconds) whose
        pages are fetched concurrently, as many as the rows seen so far say exist, within the
        client's ``max_concurrency`` and ``rate_limit``; runs of pages are handed out in time
        order, one batch each. With ``checkpoint`` (a file path) the state is saved when the
        consumer comes back for more (at most every ``checkpoint_every`` seconds; 0: after every
        batch), and a rerun with the same arguments resumes there. See ``docs/harvesting.md``.
        """
        start_s, end_s, source = self._period(start, end, page_size, filters)
        return harvest_stream(
            source,
            start_s,
            end_s,
            checkpoint=checkpoint,
            window=window,
            checkpoint_every=checkpoint_every,
            on_progress=on_progress,
        )

    async def export(
        self,
        start: TimeArg,
        end: TimeArg,
        out: str | os.PathLike[str],
        *,
        format: str | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        overwrite: bool = False,
        page_size: int = ep.CDR_PAGE_MAX,
        window: int = 600,
        checkpoint_every: float = 1.0,
        on_progress: ProgressCallback | None = None,
        **filters: Unpack[CdrFilters],
    ) -> ExportResult:
        """Harvest ``[start, end)`` into the file ``out`` (``format``: jsonl, csv, sqlite or
        parquet; default from the extension). With ``checkpoint``, the output and the
        checkpoint are committed together (at most every ``checkpoint_every`` seconds) and a
        rerun resumes with nothing lost and nothing twice. See ``docs/harvesting.md``."""
        start_s, end_s, source = self._period(start, end, page_size, filters)
        return await export(
            source,
            start_s,
            end_s,
            out,
            format=format,
            checkpoint=checkpoint,
            overwrite=overwrite,
            window=window,
            checkpoint_every=checkpoint_every,
            on_progress=on_progress,
        )

    async def sync(
        self,
        to: str,
        *,
        since: TimeArg,
        until: TimeArg | None = None,
        follow: bool = False,
        interval: float = 60.0,
        lookback: float = 7200.0,
        settle: float = 5.0,
        table: str = "cdrs",
        page_size: int = ep.CDR_PAGE_MAX,
        window: int = 600,
        on_round: RoundCallback | None = None,
        on_progress: ProgressCallback | None = None,
        **filters: Unpack[CdrFilters],
    ) -> SyncResult:
        """Keep the table ``table`` of the database ``to`` complete and current: every CDR that
        started since ``since`` (before ``until``, when given), once per ``call_id``, with its
        latest values.

        ``to``: ``sqlite:///cdrs.db`` or ``postgresql://user@host:port/db`` (the ``postgres``
        extra). Each round re-reads the calls that started in ``[settled, now - settle)`` and
        upserts them; ``settled`` trails the last round by ``lookback`` seconds, which must
        exceed a call's longest time from start to final CDR (duration + the server's
        processing delay). The watermark and the arguments live in the table
        ``nxcc_sync_state``, written in the same transaction as the rows: a rerun (after a
        crash too) continues, and a table synced with other ``since``/filters is refused.

        Without ``follow``, one round (a backfill or a catch-up); with it, a round every
        ``interval`` seconds until cancelled (or, with ``until``, until everything before it
        is settled); rounds failing on API or network errors are retried at the next interval.
        ``on_round`` gets a :class:`~nxcc_async.harvest.sync.RoundReport` after every round,
        ``on_progress`` the harvest progress within a round. Arguments are checked before
        anything is opened or sent. See ``docs/sync.md``.
        """
        options = check_options(
            since=since,
            until=until,
            follow=follow,
            interval=interval,
            lookback=lookback,
            settle=settle,
            table=table,
        )
        _, _, fields = self._checked(options.since, options.since, page_size, filters)
        identity = {**self._identity, "filters": dict(sorted(fields.items()))}
        source = self._source(fields, page_size, identity)
        return await run_sync(
            source,
            to,
            options,
            identity=identity,
            window=window,
            on_round=on_round,
            on_progress=on_progress,
        )

    def _checked(
        self, start: TimeArg, end: TimeArg, page_size: int, filters: Mapping[str, Any]
    ) -> tuple[int, int, dict[str, Any]]:
        """The period (Unix seconds) and the filter fields of ``cdr/page``, all checked."""
        fields = ep.cdr_fields(start, end, filters)
        ep.CDR_PAGE.at(fields, 1, page_size)
        return fields.pop("startTime"), fields.pop("endTime"), fields

    def _period(
        self, start: TimeArg, end: TimeArg, page_size: int, filters: Mapping[str, Any]
    ) -> tuple[int, int, Source]:
        """The checked period of a harvest or export, and its page function."""
        start_s, end_s, fields = self._checked(start, end, page_size, filters)
        identity = {
            **self._identity,
            "start": start_s,
            "end": end_s,
            "filters": dict(sorted(fields.items())),
        }
        return start_s, end_s, self._source(fields, page_size, identity)

    def _source(
        self, fields: Mapping[str, Any], page_size: int, identity: Mapping[str, Any]
    ) -> Source:
        """The harvest's page function over ``cdr/page`` with the filter ``fields``; its
        fingerprint hashes ``identity`` (server, tenant, period, filters: no secret)."""

        async def fetch(low: int, high: int, number: int) -> Page[CallRecord]:
            wire = {"startTime": low, "endTime": high, **fields, "page": number, "size": page_size}
            return await self._send(ep.CDR_PAGE, wire)

        return Source(fetch, self._channel.max_concurrency, page_size, fingerprint(identity))
