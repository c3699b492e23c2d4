"""``AsyncCEC``: the asyncio client of Huawei CEC CC-CMS monitoring. The only implementation;
``CEC`` mirrors it through a blocking portal."""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import ssl as ssl_module
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import aiohttp
import yarl

from nxcc_async._core.endpoint import in_range
from nxcc_async._core.errors import APIError
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async._core.page import Page
from nxcc_async._core.pagination import (
    ItemStream,
    iter_pages_until_short,
    iter_pages_with_total,
)
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.secret import Secret, redact_url
from nxcc_async._core.tasks import gather_or_cancel
from nxcc_async._core.timeutil import TimeArg, utcnow
from nxcc_async._core.watch import DEFAULT_TRANSIENT, Snapshot, watch
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.board import VdnBoard
from nxcc_async.cec.endpoints import CECEndpoint
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCalls,
    AgentInfo,
    AgentRestDetail,
    AgentRestInfo,
    AgentState,
    AgentStatusInfo,
    CallInfo,
    Indicators,
    LegacySystemState,
    SkillServiceQuality,
    SkillStateInfo,
    SkillStatus,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.signing import (
    DEFAULT_SIGNED_HEADERS,
    SIGNABLE_HEADERS,
    normalize_signed_headers,
)
from nxcc_async.cec.wire import CECWire

T = TypeVar("T")


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
            agent_count = await self._count(cc_id, vdn)
        else:
            in_range(agent_count, "agent_count", 0, None)
        pages = [
            self.system_state(cc_id, vdn, offset, page_size)
            for offset in range(0, agent_count, page_size)
        ]
        return sum(await gather_or_cancel(*pages), SystemState())

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

    def vdn_agents_iter(
        self, cc_id: int, vdn: int, page_size: int = 1000
    ) -> ItemStream[AgentBrief]:
        """Every agent of a VDN, page by page (the first page, then the others concurrently),
        in order. Arguments are checked now, before anything is sent."""
        ep.vdn_agents_params(cc_id, vdn, 0, page_size)
        return self._counted(self.vdn_agents_page, cc_id, vdn, page_size)

    async def vdn_agents(
        self, cc_id: int, vdn: int, page_size: int = 1000
    ) -> builtins.list[AgentBrief]:
        """Every agent of a VDN as a list (see ``vdn_agents_iter``)."""
        return [agent async for agent in self.vdn_agents_iter(cc_id, vdn, page_size)]

    def _counted(
        self,
        page: Callable[[int, int, int, int], Awaitable[Page[T]]],
        cc_id: int,
        vdn: int,
        page_size: int,
    ) -> ItemStream[T]:
        async def fetch(number: int) -> Page[T]:
            return await page(cc_id, vdn, (number - 1) * page_size, page_size)

        return ItemStream(iter_pages_with_total(fetch, prefetch=self.max_concurrency))

    async def agents_by_status(
        self, cc_id: int, vdn: int, status: int | None = None, offset: int = 0, limit: int = 1000
    ) -> list[AgentBrief]:
        """Agents of a VDN, optionally only those in CTI state ``status`` (limit 1-1000)."""
        params = ep.agents_by_status_params(cc_id, vdn, status, offset, limit)
        return await self._channel.send(ep.AGENTS_BY_STATUS, params)

    def agents_by_status_iter(
        self, cc_id: int, vdn: int, status: int | None = None, page_size: int = 1000
    ) -> ItemStream[AgentBrief]:
        """Every agent of a VDN (optionally only in CTI state ``status``), page by page until a
        short page (the interface gives no total)."""
        ep.agents_by_status_params(cc_id, vdn, status, 0, page_size)

        async def fetch(number: int) -> Page[AgentBrief]:
            offset = (number - 1) * page_size
            rows = await self.agents_by_status(cc_id, vdn, status, offset, page_size)
            return Page(items=rows, page=number, size=page_size)

        return ItemStream(iter_pages_until_short(fetch))

    def agent_rest_details_iter(
        self, cc_id: int, vdn: int, page_size: int = 100, *, agent_count: int | None = None
    ) -> ItemStream[AgentRestDetail]:
        """The rest entries of every agent of a VDN: ``agentrestinfos`` page by page over the
        VDN's ``count`` agents (one ``totalagentabstractex3`` call, or ``agent_count``)."""
        ep.agent_rest_params(cc_id, vdn, 0, page_size)
        if agent_count is not None:
            in_range(agent_count, "agent_count", 0, None)

        async def batches() -> AsyncGenerator[Iterable[AgentRestDetail], None]:
            count = agent_count if agent_count is not None else await self._count(cc_id, vdn)
            for offset in range(0, count, page_size):
                info = await self.agent_rest_info(cc_id, vdn, offset, page_size)
                yield info.agents_rest_details

        return ItemStream(batches())

    async def _count(self, cc_id: int, vdn: int) -> int:
        first = await self.vdn_agents_page(cc_id, vdn, offset=0, limit=1)
        if first.total is None:
            raise APIError(
                "no-count",
                "the server gave no agent count; pass agent_count=",
                endpoint=ep.VDN_AGENTS.path,
            )
        return first.total

    async def agent_indicators(
        self, cc_id: int, vdn: int, agent_ids: Sequence[int], index_ids: Sequence[str]
    ) -> builtins.list[Indicators]:
        """Real-time indicators (``index_ids``, at most 4) of agents (at most 100):
        ``agentgroup/rindex``, one ``Indicators`` per agent."""
        params = ep.agent_indicators_params(cc_id, vdn, agent_ids, index_ids)
        return await self._channel.send(ep.AGENT_INDICATORS, params)

    async def agent_by_work_no(self, cc_id: int, vdn: int, agent_id: int) -> AgentInfo:
        """One agent by work number (``agent/agentbyworkno``)."""
        params = ep.agent_params(cc_id, vdn, agent_id)
        return await self._channel.send(ep.AGENT_BY_WORK_NO, params)

    async def legacy_agent_by_work_no(self, cc_id: int, vdn: int, agent_id: int) -> AgentInfo:
        """One agent by work number from the older ``agentgroup/agentbyworkno`` edition."""
        params = ep.agent_params(cc_id, vdn, agent_id)
        return await self._channel.send(ep.LEGACY_AGENT_BY_WORK_NO, params)

    async def agent_call_ids(self, cc_id: int, vdn: int, agent_id: int) -> builtins.list[str]:
        """The ids of the calls one agent is handling now (``agent/queryagentcalls``)."""
        params = ep.agent_params(cc_id, vdn, agent_id)
        return await self._channel.send(ep.AGENT_CALL_IDS, params)

    async def is_in_call(self, cc_id: int, vdn: int, agent_id: int) -> bool:
        """Whether an agent is handling a call now (``calldata/isprocesscall``)."""
        params = ep.agent_params(cc_id, vdn, agent_id)
        return await self._channel.send(ep.IS_IN_CALL, params)

    async def agent_dynamic_states_page(
        self, cc_id: int, vdn: int, offset: int = 0, limit: int = 1000
    ) -> Page[AgentState]:
        """One page of the agents of a VDN with their CTI state (``vdn/totalagentdynamicinfo``);
        ``total`` is the VDN's agent ``count``."""
        params = ep.dynamic_states_params(cc_id, vdn, offset, limit)
        return await self._channel.send(ep.DYNAMIC_STATES, params)

    def agent_dynamic_states_iter(
        self, cc_id: int, vdn: int, page_size: int = 1000
    ) -> ItemStream[AgentState]:
        """Every agent of a VDN with its state, pages after the first fetched concurrently."""
        ep.dynamic_states_params(cc_id, vdn, 0, page_size)
        return self._counted(self.agent_dynamic_states_page, cc_id, vdn, page_size)

    async def agent_dynamic_states(
        self, cc_id: int, vdn: int, page_size: int = 1000
    ) -> builtins.list[AgentState]:
        """Every agent of a VDN with its state, as a list (see ``agent_dynamic_states_iter``)."""
        return [a async for a in self.agent_dynamic_states_iter(cc_id, vdn, page_size)]

    async def agent_states(self, cc_id: int, vdn: int) -> builtins.list[AgentState]:
        """Every agent of a VDN with its state in one call (``vdn/totalagentstate``; not on
        CTI 3.6)."""
        params = ep.scope(cc_id, vdn)
        return await self._channel.send(ep.AGENT_STATES, params)

    async def skill_indicators(
        self, cc_id: int, vdn: int, skill_ids: Sequence[int], index_ids: Sequence[str]
    ) -> builtins.list[Indicators]:
        """Real-time indicators (at most 12) of skill queues (at most 1000): ``skill/rindex``."""
        params = ep.skill_indicators_params(cc_id, vdn, skill_ids, index_ids)
        return await self._channel.send(ep.SKILL_INDICATORS, params)

    async def skill_service_quality(
        self, cc_id: int, vdn: int, skill_ids: Sequence[int]
    ) -> builtins.list[SkillServiceQuality]:
        """Service level of the current 5 minutes per skill queue (at most 1000 skills)."""
        params = ep.skill_ids_params(cc_id, vdn, skill_ids)
        return await self._channel.send(ep.SKILL_SERVICE_QUALITY, params)

    async def skill_status(self, cc_id: int, vdn: int) -> builtins.list[SkillStatus]:
        """Extended state of every skill queue of a VDN (``skill/totalskillstatusex3``; not on
        CTI 3.6)."""
        return await self._channel.send(ep.SKILL_STATUS, ep.scope(cc_id, vdn))

    async def skill_state_info(
        self, cc_id: int, vdn: int, skill_ids: Sequence[int]
    ) -> builtins.list[SkillStateInfo]:
        """Detailed statistics per skill queue (``realindex/skill/stateinfo``)."""
        params = ep.skill_ids_params(cc_id, vdn, skill_ids)
        return await self._channel.send(ep.SKILL_STATE_INFO, params)

    async def basic_call_info(self, cc_id: int, vdn: int, call_id: str) -> CallInfo:
        """Basic information of a live call (``calldata/querybasiccallinfo``)."""
        params = ep.call_params(cc_id, vdn, call_id)
        return await self._channel.send(ep.BASIC_CALL_INFO, params)

    async def detail_call_info(self, cc_id: int, vdn: int, call_id: str) -> CallInfo:
        """Detailed information of a live call (``calldata/querydetailcallinfo``)."""
        params = ep.call_params(cc_id, vdn, call_id)
        return await self._channel.send(ep.DETAIL_CALL_INFO, params)

    async def vdn_calls(
        self, cc_id: int, vdn: int, start: TimeArg, end: TimeArg, *, inbound: bool
    ) -> builtins.list[CallInfo]:
        """The inbound (or outbound) calls of a VDN between ``start`` and ``end`` (aware
        datetimes or Unix seconds): ``/v2/.../vdn/querycalls``."""
        params = ep.vdn_calls_params(cc_id, vdn, start, end, inbound)
        return await self._channel.send(ep.VDN_CALLS, params)

    async def history_indicators(
        self,
        kind: ep.HistoryKind,
        cc_id: int,
        vdn: int,
        index_ids: Sequence[str],
        params: Mapping[str, Any] | None = None,
    ) -> builtins.list[Indicators]:
        """History indicators (``hisindex/<kind>``: ``agent``, ``agentforday``, ``skill``,
        ``vdn``, ``ivr``) for indicator codes such as ``IDX_COUNT_AGENT_SIGN_IN``. ``params``:
        the rest of the body as the server wants it (period, object ids: undocumented)."""
        endpoint = ep.HISTORY.get(kind)
        if endpoint is None:
            raise ValueError(f"kind must be one of {', '.join(ep.HISTORY_KINDS)}, got {kind!r}")
        return await self._channel.send(endpoint, ep.history_params(cc_id, vdn, index_ids, params))

    async def vdn_board(
        self, cc_id: int, vdn: int, *, skills: bool = True, agent_count: int | None = None
    ) -> VdnBoard:
        """A wallboard line of one VDN: the counts of every agent (``system_state_total``) and,
        with ``skills``, every skill queue's state and service level (two more calls)."""
        ep.scope(cc_id, vdn)
        if not skills:
            agents = await self.system_state_total(cc_id, vdn, agent_count=agent_count)
            return VdnBoard(cc_id=cc_id, vdn=vdn, agents=agents)
        agents_task = asyncio.ensure_future(
            self.system_state_total(cc_id, vdn, agent_count=agent_count)
        )
        queues_task = asyncio.ensure_future(self.skill_status(cc_id, vdn))
        await gather_or_cancel(agents_task, queues_task)
        agents, queues = agents_task.result(), queues_task.result()
        ids = [q.skill_id for q in queues if q.skill_id is not None]
        levels = await self.skill_service_quality(cc_id, vdn, ids) if ids else []
        return VdnBoard.of(cc_id, vdn, agents, queues, levels)

    def watch(
        self,
        fetch: Callable[[], Awaitable[T]],
        every: float = 5.0,
        *,
        timeout: float | None = None,
        transient: tuple[type[BaseException], ...] = DEFAULT_TRANSIENT,
        limit: int | None = None,
    ) -> ItemStream[Snapshot[T]]:
        """Poll ``fetch()`` every ``every`` seconds: a stream of timestamped snapshots.

        Polls never overlap; a poll that overruns its tick skips the missed ticks (no burst);
        every request goes through this client's throttle, so the rate cap holds. A transient
        failure (``transient``: server errors, 429, network; or ``timeout`` seconds without an
        answer) yields a gap snapshot (``ok`` false, ``error`` set, ``last_good`` kept) and the
        watch goes on; any other error ends it. ``limit``: stop after that many snapshots.
        ``aclose()`` or cancelling the consumer stops it cleanly. See ``docs/cec.md``."""
        return watch(fetch, every, timeout=timeout, transient=transient, limit=limit)

    def watch_board(
        self,
        cc_id: int,
        vdns: Sequence[int],
        every: float = 5.0,
        *,
        skills: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> ItemStream[Snapshot[builtins.list[VdnBoard]]]:
        """``watch`` of ``vdn_board`` for each VDN of ``vdns``: what ``nxcc cec watch`` shows.

        One poll asks ``1 + ceil(agents / 100)`` calls per VDN (+ 2 with ``skills``); at
        ``every`` seconds, keep that under the client's ``rate_limit`` or ticks get skipped."""
        if isinstance(vdns, (str, bytes)) or not isinstance(vdns, Sequence):
            raise TypeError("vdns must be a list of VDN ids")
        wanted = [ep.scope(cc_id, vdn)["vdn"] for vdn in vdns]
        if not wanted:
            raise ValueError("vdns must not be empty")

        async def poll() -> builtins.list[VdnBoard]:
            lines = [self.vdn_board(cc_id, vdn, skills=skills) for vdn in wanted]
            return await gather_or_cancel(*lines)

        return self.watch(poll, every, timeout=timeout, limit=limit)

    def __repr__(self) -> str:
        return (
            f"AsyncCEC(base_url={redact_url(self.base_url)!r}, access_key={self.access_key!r}, "
            f"signed_headers={self.signed_headers!r})"
        )
