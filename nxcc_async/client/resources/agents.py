"""``client.agents``: agent accounts, state durations and efficiency statistics."""

from __future__ import annotations

import builtins
import datetime as dt

from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream
from nxcc_async._core.timeutil import TimeArg
from nxcc_async.client.resources.base import Resource
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import Agent, AgentEfficiency, AgentStatus


class AgentsAPI(Resource):
    """Agents of the client's tenant (``agent/page``, ``agent/status/info``, efficiency)."""

    async def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, user_name: str | None = None
    ) -> Page[Agent]:
        """One page of agents (``size`` at most 200) with the ``total`` of matching agents."""
        return await self._send(
            ep.AGENT_PAGE, ep.AGENT_PAGE.at(ep.agent_fields(user_name), page, size)
        )

    def iter(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> ItemStream[Agent]:
        """Every agent: page 1 first, then the other pages concurrently, items in order."""
        return self._every(ep.AGENT_PAGE, ep.agent_fields(user_name), page_size)

    async def list(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[Agent]:
        """Every agent as a list (see ``iter``)."""
        return [agent async for agent in self.iter(user_name=user_name, page_size=page_size)]

    async def status(
        self, user_name: str, start: TimeArg, end: TimeArg
    ) -> builtins.list[AgentStatus]:
        """State durations (seconds) of an agent (email or ``NX…`` account) over a time range."""
        return await self._send(ep.AGENT_STATUS, ep.status_fields(user_name, start, end))

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
        tz: dt.tzinfo | str = ep.EFFICIENCY_DEFAULT_TZ,
    ) -> Page[AgentEfficiency]:
        """One page of efficiency statistics (totals, or one row per agent and day with
        ``per_day``) with ``total``. The API takes wall-clock date strings: ``start``/``end``
        are written in ``tz`` (the account's time zone, a ``tzinfo`` or an IANA name; default
        UTC)."""
        fields = ep.efficiency_fields(
            start, end, user_name=user_name, group_name=group_name, per_day=per_day, tz=tz
        )
        return await self._send(ep.AGENT_EFFICIENCY, ep.AGENT_EFFICIENCY.at(fields, page, size))

    def efficiency_iter(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        user_name: str | None = None,
        group_name: str | None = None,
        per_day: bool = False,
        tz: dt.tzinfo | str = ep.EFFICIENCY_DEFAULT_TZ,
        page_size: int = ep.EFFICIENCY_PAGE_MAX,
    ) -> ItemStream[AgentEfficiency]:
        """Every efficiency row (see ``efficiency``): page 1, then the others concurrently."""
        fields = ep.efficiency_fields(
            start, end, user_name=user_name, group_name=group_name, per_day=per_day, tz=tz
        )
        return self._every(ep.AGENT_EFFICIENCY, fields, page_size)

    async def efficiency_list(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        user_name: str | None = None,
        group_name: str | None = None,
        per_day: bool = False,
        tz: dt.tzinfo | str = ep.EFFICIENCY_DEFAULT_TZ,
        page_size: int = ep.EFFICIENCY_PAGE_MAX,
    ) -> builtins.list[AgentEfficiency]:
        """Every efficiency row as a list (see ``efficiency_iter``)."""
        rows = self.efficiency_iter(
            start,
            end,
            user_name=user_name,
            group_name=group_name,
            per_day=per_day,
            tz=tz,
            page_size=page_size,
        )
        return [row async for row in rows]
