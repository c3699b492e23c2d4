"""``client.queues``: agent groups (queues) and their members."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_with_total
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import AgentGroup, QueueMember
from nxcc_async.nxcc.resources.base import Resource


class QueuesAPI(Resource):
    """Agent groups of the client's tenant."""

    async def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, queue_name: str | None = None
    ) -> Page[AgentGroup]:
        """One page of agent groups (``size`` at most 200) with ``total``."""
        body = ep.group_page_body(
            ep.tenant(self._client.tenant_id, ep.GROUP_PAGE), page, size, queue_name
        )
        return ep.parse_group_page(await self._client.call(ep.GROUP_PAGE, body), page, size)

    def iter(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> ItemStream[AgentGroup]:
        """Every agent group, pages after the first fetched concurrently."""
        ep.group_page_body(
            ep.tenant(self._client.tenant_id, ep.GROUP_PAGE), 1, page_size, queue_name
        )
        pages = iter_pages_with_total(
            lambda n: self.page(n, page_size, queue_name=queue_name),
            prefetch=self._client.max_concurrency,
        )
        return ItemStream(pages)

    async def list(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[AgentGroup]:
        """Every agent group as a list."""
        return [group async for group in self.iter(queue_name=queue_name, page_size=page_size)]

    async def members(self, queue_no: str) -> builtins.list[QueueMember]:
        """The members of one agent group."""
        body = ep.group_members_body(ep.tenant(self._client.tenant_id, ep.GROUP_MEMBERS), queue_no)
        return ep.parse_members(await self._client.call(ep.GROUP_MEMBERS, body))

    async def update_members(self, queue_no: str, members: Sequence[str]) -> None:
        """Set the complete membership of a group to these agent SIP numbers (idempotent)."""
        body = ep.update_members_body(
            ep.tenant(self._client.tenant_id, ep.GROUP_UPDATE), queue_no, members
        )
        await self._client.call(ep.GROUP_UPDATE, body)
