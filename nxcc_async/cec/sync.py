"""``CEC``: the blocking mirror of ``AsyncCEC`` for scripts, notebooks and sync services."""

from __future__ import annotations

import datetime as dt
import ssl as ssl_module
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from nxcc_async._core.lifecycle import BlockingClient
from nxcc_async._core.page import Page
from nxcc_async._core.portal import Portal, bind_lifetime
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.timeutil import utcnow
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.client import AsyncCEC
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCalls,
    AgentRestInfo,
    AgentStatusInfo,
    LegacySystemState,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.signing import DEFAULT_SIGNED_HEADERS


class CEC(BlockingClient):
    """Blocking client of CEC monitoring: the same names as :class:`AsyncCEC`, no ``await``.

    The work runs on one private event loop in a daemon thread (works under Jupyter too). Use
    ``with CEC(...) as cec`` or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        access_key: str,
        secret_key: str,
        *,
        signed_headers: Iterable[str] = DEFAULT_SIGNED_HEADERS,
        host: str | None = None,
        ssl: ssl_module.SSLContext | str | bool | None = None,
        max_concurrency: int = 8,
        rate_limit: float | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry: RetryPolicy | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        client = AsyncCEC(
            base_url,
            access_key,
            secret_key,
            signed_headers=signed_headers,
            host=host,
            ssl=ssl,
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            clock=clock,
        )
        self._portal = Portal()
        self._close = bind_lifetime(self, self._portal, client.aclose)
        self.async_client = client

    def call(self, endpoint: ep.Endpoint, params: dict[str, Any]) -> Any:
        """Send ``params`` to ``endpoint``; the decoded payload (see ``AsyncCEC.call``)."""
        return self._portal.call(self.async_client.call, endpoint, params)

    def system_state(self, cc_id: int, vdn: int, offset: int = 0, limit: int = 100) -> SystemState:
        """Counts of one page of a VDN's agents."""
        return self._portal.call(self.async_client.system_state, cc_id, vdn, offset, limit)

    def system_state_total(
        self, cc_id: int, vdn: int, page_size: int = 100, *, agent_count: int | None = None
    ) -> SystemState:
        """Counts of a whole VDN (every page added up)."""
        return self._portal.call(
            self.async_client.system_state_total, cc_id, vdn, page_size, agent_count=agent_count
        )

    def legacy_system_state(self, cc_id: int, vdn: int) -> LegacySystemState:
        """Counts of a VDN from ``querymonitor/systemstate``."""
        return self._portal.call(self.async_client.legacy_system_state, cc_id, vdn)

    def agent_status(self, cc_id: int, vdn: int, agent_ids: Sequence[int]) -> list[AgentStatusInfo]:
        """Status of each agent of ``agent_ids``."""
        return self._portal.call(self.async_client.agent_status, cc_id, vdn, agent_ids)

    def team_agent_status(self, cc_id: int, vdn: int, agent_ids: Sequence[int]) -> TeamAgentStatus:
        """Counts per state of ``agent_ids``."""
        return self._portal.call(self.async_client.team_agent_status, cc_id, vdn, agent_ids)

    def agent_rest_info(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 100
    ) -> AgentRestInfo:
        """Rest figures of one page of a VDN's agents."""
        return self._portal.call(self.async_client.agent_rest_info, cc_id, vdn, offset, limit)

    def agent_calls(self, cc_id: int, vdn: int, agent_ids: Sequence[int]) -> list[AgentCalls]:
        """The calls of each agent of ``agent_ids``."""
        return self._portal.call(self.async_client.agent_calls, cc_id, vdn, agent_ids)

    def vdn_agents_page(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 1000
    ) -> Page[AgentBrief]:
        """One page of a VDN's agents with the VDN's agent count as ``total``."""
        return self._portal.call(self.async_client.vdn_agents_page, cc_id, vdn, offset, limit)

    def vdn_agents(self, cc_id: int, vdn: int, page_size: int = 1000) -> list[AgentBrief]:
        """Every agent of a VDN."""
        return self._portal.call(self.async_client.vdn_agents, cc_id, vdn, page_size)

    def agents_by_status(
        self, cc_id: int, vdn: int, status: int | None = None, offset: int = 0, limit: int = 1000
    ) -> list[AgentBrief]:
        """Agents of a VDN, optionally in one CTI state."""
        return self._portal.call(
            self.async_client.agents_by_status, cc_id, vdn, status, offset, limit
        )

    def __repr__(self) -> str:
        return f"CEC({self.async_client!r})"
