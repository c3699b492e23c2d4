"""``AsyncCEC``: the asyncio client of Huawei CEC CC-CMS monitoring. The only implementation;
``CEC`` mirrors it through a blocking portal."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl as ssl_module
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiohttp
import yarl

from nxcc_async._core.endpoint import in_range
from nxcc_async._core.errors import APIError
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_with_total
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.secret import Secret
from nxcc_async._core.timeutil import utcnow
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.endpoints import CECEndpoint
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCalls,
    AgentRestInfo,
    AgentStatusInfo,
    LegacySystemState,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.signing import (
    DEFAULT_SIGNED_HEADERS,
    SIGNABLE_HEADERS,
    normalize_signed_headers,
)
from nxcc_async.cec.wire import CECWire


def _check_base_url(base_url: str) -> yarl.URL:
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with https:// or http://, got {base_url!r}")
    url = yarl.URL(base_url.rstrip("/"))
    if not url.host:
        raise ValueError(f"base_url has no host: {base_url!r}")
    return url


class AsyncCEC(AsyncClient):
    """Client of the Huawei CEC CC-CMS monitoring OpenAPI (auth-v2, AK/SK).

    ``signed_headers``: which of ``host``, ``content-type``, ``content-length`` are signed
    (Huawei's demo signs ``host`` only). ``host``: the value signed as ``host`` when a load
    balancer rewrites the Host header (the Host sent stays the URL's). ``ssl``: ``None`` verifies
    against the system CAs; a CA bundle path or an ``ssl.SSLContext`` for private certificates
    (``False`` turns verification off: avoid). Every call is throttled, retried on transient
    failures and re-signed with a fresh timestamp each attempt (corrected by the server's clock
    after a timestamp rejection: ``clock_offset``); ``on_attempt`` is called with an
    :class:`~nxcc_async.AttemptEvent` after every HTTP attempt. Use ``async with``.
    """

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
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        on_attempt: Callable[[AttemptEvent], None] | None = None,
    ) -> None:
        url = _check_base_url(base_url)
        if not isinstance(access_key, str) or not access_key or "/" in access_key:
            raise ValueError("access_key must be a non-empty str without '/'")
        if isinstance(signed_headers, str):
            raise TypeError("signed_headers must be a collection of header names, not a str")
        names = normalize_signed_headers(signed_headers)
        unknown = set(names) - SIGNABLE_HEADERS
        if unknown:
            raise ValueError(
                f"cannot sign {sorted(unknown)}: choose among {sorted(SIGNABLE_HEADERS)}"
            )
        if host is not None and (not isinstance(host, str) or not host.strip()):
            raise ValueError("host must be a non-empty str (the Host value the server checks)")
        self._wire = CECWire(
            base_url=str(url),
            access_key=access_key,
            secret=Secret(secret_key),
            signed_headers=names,
            host_sent=url.host_port_subcomponent or url.host or "",
            host=host if host is not None else url.host_port_subcomponent or url.host or "",
            clock=clock,
        )
        self._connect(
            self._wire,
            timeout=timeout,
            session=session,
            ssl=ssl,
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            retry=retry,
            max_retries=max_retries,
            on_attempt=on_attempt,
            wallclock=lambda: clock().timestamp(),
        )

    @property
    def base_url(self) -> str:
        """The server's base URL."""
        return self._wire.base_url

    @property
    def access_key(self) -> str:
        """The access key (AK) sent in every ``Authorization``."""
        return self._wire.access_key

    @property
    def signed_headers(self) -> tuple[str, ...]:
        """The header names signed, lower-cased and sorted."""
        return self._wire.signed_headers

    @property
    def host(self) -> str:
        """The value signed as ``host``."""
        return self._wire.host

    async def call(self, endpoint: CECEndpoint[Any], params: dict[str, Any]) -> Any:
        """Send ``params`` (wrapped as the endpoint wants) and return the decoded payload,
        not parsed into records. The low-level door."""
        return await self._channel.payload(endpoint, params)

    async def system_state(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 100
    ) -> SystemState:
        """Busy/talking/idle/signed-in counts of one page of a VDN's agents (limit 1-100)."""
        params = ep.system_state_params(cc_id, vdn, offset, limit)
        return await self._channel.send(ep.SYSTEM_STATE, params)

    async def system_state_total(
        self, cc_id: int, vdn: int, page_size: int = 100, *, agent_count: int | None = None
    ) -> SystemState:
        """The counts of a whole VDN: every page of ``system_state`` added up.

        The number of pages comes from the VDN's agent ``count`` (``vdn/totalagentabstractex3``,
        one extra call) or from ``agent_count`` when given; the pages are fetched concurrently.
        An all-zero page does NOT end the walk: a page of signed-out agents counts all zeros.
        """
        ep.system_state_params(cc_id, vdn, 0, page_size)
        if agent_count is None:
            first = await self.vdn_agents_page(cc_id, vdn, offset=0, limit=1)
            if first.total is None:
                raise APIError(
                    "no-count",
                    "the server gave no agent count; pass agent_count=",
                    endpoint=ep.VDN_AGENTS.path,
                )
            agent_count = first.total
        else:
            in_range(agent_count, "agent_count", 0, None)
        pages = [
            self.system_state(cc_id, vdn, offset, page_size)
            for offset in range(0, agent_count, page_size)
        ]
        return sum(await asyncio.gather(*pages), SystemState())

    async def legacy_system_state(self, cc_id: int, vdn: int) -> LegacySystemState:
        """Counts of a VDN from the older ``querymonitor/systemstate`` edition."""
        params = ep.legacy_system_state_params(cc_id, vdn)
        return await self._channel.send(ep.LEGACY_SYSTEM_STATE, params)

    async def agent_status(
        self, cc_id: int, vdn: int, agent_ids: Sequence[int]
    ) -> list[AgentStatusInfo]:
        """Status of each agent of ``agent_ids`` (at most 6000)."""
        params = ep.agent_ids_params(cc_id, vdn, agent_ids, ep.AGENT_IDS_MAX)
        return await self._channel.send(ep.AGENT_STATUS, params)

    async def team_agent_status(
        self, cc_id: int, vdn: int, agent_ids: Sequence[int]
    ) -> TeamAgentStatus:
        """How many of ``agent_ids`` (at most 6000) are in each state."""
        params = ep.agent_ids_params(cc_id, vdn, agent_ids, ep.AGENT_IDS_MAX)
        return await self._channel.send(ep.TEAM_AGENT_STATUS, params)

    async def agent_rest_info(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 100
    ) -> AgentRestInfo:
        """Rest figures of one page of a VDN's agents (limit 1-100)."""
        params = ep.agent_rest_params(cc_id, vdn, offset, limit)
        return await self._channel.send(ep.AGENT_REST_INFO, params)

    async def agent_calls(self, cc_id: int, vdn: int, agent_ids: Sequence[int]) -> list[AgentCalls]:
        """The calls each agent of ``agent_ids`` (at most 3000) is handling."""
        params = ep.agent_ids_params(cc_id, vdn, agent_ids, ep.AGENT_CALLS_IDS_MAX)
        return await self._channel.send(ep.AGENT_CALLS, params)

    async def vdn_agents_page(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 1000
    ) -> Page[AgentBrief]:
        """One page of a VDN's agents (limit 1-1000); ``total`` is the VDN's agent count."""
        params = ep.vdn_agents_params(cc_id, vdn, offset, limit)
        return await self._channel.send(ep.VDN_AGENTS, params)

    async def vdn_agents(self, cc_id: int, vdn: int, page_size: int = 1000) -> list[AgentBrief]:
        """Every agent of a VDN: the first page, then the others concurrently, in order."""
        ep.vdn_agents_params(cc_id, vdn, 0, page_size)

        async def fetch(number: int) -> Page[AgentBrief]:
            return await self.vdn_agents_page(cc_id, vdn, (number - 1) * page_size, page_size)

        return [
            agent
            async for agent in ItemStream(
                iter_pages_with_total(fetch, prefetch=self.max_concurrency)
            )
        ]

    async def agents_by_status(
        self, cc_id: int, vdn: int, status: int | None = None, offset: int = 0, limit: int = 1000
    ) -> list[AgentBrief]:
        """Agents of a VDN, optionally only those in CTI state ``status`` (limit 1-1000)."""
        params = ep.agents_by_status_params(cc_id, vdn, status, offset, limit)
        return await self._channel.send(ep.AGENTS_BY_STATUS, params)

    def __repr__(self) -> str:
        return (
            f"AsyncCEC(base_url={self.base_url!r}, access_key={self.access_key!r}, "
            f"signed_headers={self.signed_headers!r})"
        )
