"""``client.cdrs``: call detail records, by page, by stream, by order id, and in bulk."""

from __future__ import annotations

from collections.abc import AsyncIterator

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import iter_items, iter_pages_until_short
from nxcc_async._core.timeutil import TimeArg, check_range
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.enums import AnsweredFilter, CallDirection
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.nxcc.resources.base import Resource


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
    ) -> AsyncIterator[CallRecord]:
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

        return iter_items(iter_pages_until_short(fetch))

    async def by_order(self, order_id: str) -> list[CallRecord]:
        """The CDRs of one order (an order may produce several calls)."""
        body = ep.by_order_body(ep.tenant(self._client.tenant_id, ep.CDR_BY_ORDER), order_id)
        return ep.parse_cdrs(await self._client.call(ep.CDR_BY_ORDER, body))
