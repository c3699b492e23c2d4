"""``client.cdrs``: call detail records, by page, by stream, by order id, and in bulk."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_until_short
from nxcc_async._core.timeutil import TimeArg, check_range
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.enums import AnsweredFilter, CallDirection
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.nxcc.resources.base import Resource

if TYPE_CHECKING:
    from nxcc_async.harvest.harvester import ProgressCallback


class CdrsAPI(Resource):
    """Call detail records (``cdr/page``, ``cdr/queryByOrderId``)."""

    async def page(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page: int = 1,
        size: int = ep.CDR_PAGE_MAX,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        call_id: str | None = None,
        order_id: str | None = None,
    ) -> Page[CallRecord]:
        """One page (``size`` at most 100) of the CDRs that started between ``start`` and
        ``end`` (aware datetimes or Unix seconds). The API gives no total."""
        start_s, end_s = check_range(start, end)
        filters = ep.cdr_filters(
            answered=answered,
            direction=direction,
            name=name,
            caller=caller,
            callee=callee,
            call_id=call_id,
            order_id=order_id,
        )
        body = ep.cdr_page_body(start_s, end_s, page, size, filters)
        return ep.parse_cdr_page(await self._client.call(ep.CDR_PAGE, body), page, size)

    def iter(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page_size: int = ep.CDR_PAGE_MAX,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        call_id: str | None = None,
        order_id: str | None = None,
    ) -> ItemStream[CallRecord]:
        """Every CDR in the range, page by page until a short page (sequential: the API gives
        no total). For long ranges use ``harvest``, which fetches time windows concurrently."""
        start_s, end_s = check_range(start, end)
        filters = ep.cdr_filters(
            answered=answered,
            direction=direction,
            name=name,
            caller=caller,
            callee=callee,
            call_id=call_id,
            order_id=order_id,
        )
        ep.cdr_page_body(start_s, end_s, 1, page_size, filters)

        async def fetch(number: int) -> Page[CallRecord]:
            body = ep.cdr_page_body(start_s, end_s, number, page_size, filters)
            envelope = await self._client.call(ep.CDR_PAGE, body)
            return ep.parse_cdr_page(envelope, number, page_size)

        return ItemStream(iter_pages_until_short(fetch))

    async def by_order(self, order_id: str) -> list[CallRecord]:
        """The CDRs of one order (an order may produce several calls)."""
        body = ep.by_order_body(ep.tenant(self._client.tenant_id, ep.CDR_BY_ORDER), order_id)
        return ep.parse_cdrs(await self._client.call(ep.CDR_BY_ORDER, body))

    def harvest(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        checkpoint: str | os.PathLike[str] | None = None,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        page_size: int = ep.CDR_PAGE_MAX,
        window: int = 600,
        checkpoint_every: float = 1.0,
        on_progress: ProgressCallback | None = None,
    ) -> ItemStream[CallRecord]:
        """Every CDR that started in ``[start, end)``, exactly once, fetched concurrently.

        The period is cut into time windows sized to the data's density (starting at
        ``window`` seconds); windows are fetched concurrently within the client's
        ``max_concurrency`` and ``rate_limit`` and handed out in time order. With
        ``checkpoint`` (a file path), finished windows are recorded and a rerun with the same
        arguments resumes after them. See ``docs/harvesting.md``.
        """
        from nxcc_async.harvest.stream import harvest_stream

        start_s, end_s = check_range(start, end)
        filters = ep.cdr_filters(
            answered=answered, direction=direction, name=name, caller=caller, callee=callee
        )
        return harvest_stream(
            self._client,
            start_s,
            end_s,
            filters,
            checkpoint=checkpoint,
            page_size=page_size,
            window=window,
            checkpoint_every=checkpoint_every,
            on_progress=on_progress,
        )
