"""``client.queues``: agent groups (queues) and their members."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream
from nxcc_async.client.resources.base import Resource
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import AgentGroup, QueueMember


class QueuesAPI(Resource):
    """Agent groups of the client's tenant."""

    async def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, queue_name: str | None = None
    ) -> Page[AgentGroup]:
        """One page of agent groups (``size`` at most 200) with ``total``."""
        fields = ep.GROUP_PAGE.at(ep.group_fields(queue_name), page, size)
        return await self._send(ep.GROUP_PAGE, fields)

    def iter(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> ItemStream[AgentGroup]:
        """Every agent group, pages after the first fetched concurrently."""
        return self._every(ep.GROUP_PAGE, ep.group_fields(queue_name), page_size)

    async def list(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[AgentGroup]:
        """Every agent group as a list."""
        return [group async for group in self.iter(queue_name=queue_name, page_size=page_size)]

    async def members(self, queue_no: str) -> builtins.list[QueueMember]:
        """The members of one agent group."""
        return await self._send(ep.GROUP_MEMBERS, ep.queue_fields(queue_no))

    async def update_members(
        self, queue_no: str, members: Sequence[str], *, allow_empty: bool = False
    ) -> None:
        """Set the complete membership of a group to these agent SIP numbers (idempotent).
        An empty list removes every member: refused unless ``allow_empty=True``."""
        fields = ep.members_fields(queue_no, members, allow_empty=allow_empty)
        await self._send(ep.GROUP_UPDATE, fields)
