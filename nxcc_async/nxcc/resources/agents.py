"""``client.agents``: agent accounts, state durations and efficiency statistics."""

from __future__ import annotations

import builtins

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_with_total
from nxcc_async._core.timeutil import TimeArg
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import Agent, AgentEfficiency, AgentStatus
from nxcc_async.nxcc.resources.base import Resource


class AgentsAPI(Resource):
    """Agents of the client's tenant (``agent/page``, ``agent/status/info``, efficiency)."""

    async def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, user_name: str | None = None
    ) -> Page[Agent]:
        """One page of agents (``size`` at most 200) with the ``total`` of matching agents."""
        body = ep.agent_page_body(
            ep.tenant(self._client.tenant_id, ep.AGENT_PAGE), page, size, user_name
        )
        envelope = await self._client.call(ep.AGENT_PAGE, body)
        return ep.parse_agent_page(envelope, page, size)

    def iter(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> ItemStream[Agent]:
        """Every agent: page 1 first, then the other pages concurrently, items in order."""
        ep.agent_page_body(
            ep.tenant(self._client.tenant_id, ep.AGENT_PAGE), 1, page_size, user_name
        )
        pages = iter_pages_with_total(
            lambda n: self.page(n, page_size, user_name=user_name),
            prefetch=self._client.max_concurrency,
        )
        return ItemStream(pages)

    async def list(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[Agent]:
        """Every agent as a list (see ``iter``)."""
        return [agent async for agent in self.iter(user_name=user_name, page_size=page_size)]

    async def status(
        self, user_name: str, start: TimeArg, end: TimeArg
    ) -> builtins.list[AgentStatus]:
        """State durations (seconds) of an agent (email or ``NX…`` account) over a time range."""
        body = ep.agent_status_body(
            ep.tenant(self._client.tenant_id, ep.AGENT_STATUS), user_name, start, end
        )
        return ep.parse_agent_status(await self._client.call(ep.AGENT_STATUS, body))

    async def efficiency(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page: int = 1,
        size: int = ep.EFFICIENCY_PAGE_MAX,
        user_name: str | None = None,
        group_name: str | None = None,
        per_day: bool = False,
    ) -> Page[AgentEfficiency]:
        """One page of efficiency statistics (totals, or one row per day with ``per_day``)."""
        body = ep.efficiency_body(
            ep.tenant(self._client.tenant_id, ep.AGENT_EFFICIENCY),
            start,
            end,
            page,
            size,
            user_name=user_name,
            group_name=group_name,
            per_day=per_day,
        )
        envelope = await self._client.call(ep.AGENT_EFFICIENCY, body)
        return ep.parse_efficiency_page(envelope, page, size)
