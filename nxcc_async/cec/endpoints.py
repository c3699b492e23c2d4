"""CEC interfaces as values: where each lives, how its body is wrapped, which envelope answers
it, how its arguments are checked (before anything is sent) and how its payload becomes records.
No I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

import attrs
import orjson

from nxcc_async._core.converter import load, load_list
from nxcc_async._core.endpoint import Endpoint, Parser, in_range
from nxcc_async._core.page import Page
from nxcc_async.cec.envelope import EnvelopeKind
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCalls,
    AgentRestInfo,
    AgentStatusInfo,
    LegacySystemState,
    SystemState,
    TeamAgentStatus,
)

R = TypeVar("R")

PREFIX: Final = "/rest/cmsapp/v1/openapi/"
CONTENT_TYPE: Final = "application/json;charset=UTF-8"


@attrs.frozen(kw_only=True)
class CECEndpoint(Endpoint[R]):
    """A CEC interface: ``path`` under ``prefix`` (``/v1/`` by default; an edition may differ),
    whether its parameters are wrapped in ``{"queryParam": {...}}``, and the envelope ``kind``
    of its answers."""

    prefix: str = PREFIX
    wrapped: bool
    envelope: EnvelopeKind = "result"

    def body(self, params: Mapping[str, Any]) -> bytes:
        """The exact JSON bytes to send (compact, UTF-8): the bytes that are signed."""
        data = {"queryParam": dict(params)} if self.wrapped else dict(params)
        return orjson.dumps(data)


CC_ID_MAX: Final = 65535
VDN_MAX: Final = 5000
PAGE_LIMIT_MAX: Final = 100
VDN_AGENTS_LIMIT_MAX: Final = 1000
AGENT_IDS_MAX: Final = 6000
AGENT_CALLS_IDS_MAX: Final = 3000


def scope(cc_id: int, vdn: int) -> dict[str, int]:
    """``ccId`` (1-65535) and ``vdn`` (1-5000), checked."""
    return {
        "ccId": in_range(cc_id, "cc_id", 1, CC_ID_MAX),
        "vdn": in_range(vdn, "vdn", 1, VDN_MAX),
    }


def window(offset: int, limit: int, limit_max: int) -> dict[str, int]:
    """``offset`` (>= 0) and ``limit`` (1 to ``limit_max``), checked."""
    return {
        "offset": in_range(offset, "offset", 0, None),
        "limit": in_range(limit, "limit", 1, limit_max),
    }


def agent_ids(ids: Iterable[int], cap: int) -> list[int]:
    """A non-empty list of at most ``cap`` agent ids (ints, or digit strings made ints)."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError("agent_ids must be a list of agent ids, not a single value")
    result: list[int] = []
    for item in ids:
        if isinstance(item, str) and item.strip().isdigit():
            result.append(int(item))
        else:
            result.append(in_range(item, "each agent id", 1, None))
    if not result:
        raise ValueError("agent_ids must not be empty")
    if len(result) > cap:
        raise ValueError(f"at most {cap} agent ids per call, got {len(result)}")
    return result


def system_state_params(cc_id: int, vdn: int, offset: int, limit: int) -> dict[str, int]:
    """Parameters of ``agentgroup/systemstate``."""
    return {**scope(cc_id, vdn), **window(offset, limit, PAGE_LIMIT_MAX)}


def legacy_system_state_params(cc_id: int, vdn: int) -> dict[str, int]:
    """Parameters of ``querymonitor/systemstate``."""
    return scope(cc_id, vdn)


def agent_ids_params(cc_id: int, vdn: int, ids: Iterable[int], cap: int) -> dict[str, Any]:
    """Parameters of the interfaces that take ``agentIds`` (at most ``cap``)."""
    return {**scope(cc_id, vdn), "agentIds": agent_ids(ids, cap)}


def agent_rest_params(cc_id: int, vdn: int, offset: int, limit: int) -> dict[str, int]:
    """Parameters of ``agentgroup/agentrestinfos`` (limit 1-100, as ``systemstate``)."""
    return {**scope(cc_id, vdn), **window(offset, limit, PAGE_LIMIT_MAX)}


def vdn_agents_params(cc_id: int, vdn: int, offset: int, limit: int) -> dict[str, int]:
    """Parameters of ``vdn/totalagentabstractex3`` (limit 1-1000)."""
    return {**scope(cc_id, vdn), **window(offset, limit, VDN_AGENTS_LIMIT_MAX)}


def agents_by_status_params(
    cc_id: int, vdn: int, status: int | None, offset: int, limit: int
) -> dict[str, Any]:
    """Parameters of ``vdn/queryAgentByStatus``: ``ccId``, ``vdn`` and ``status`` as strings."""
    checked = scope(cc_id, vdn)
    params: dict[str, Any] = {"ccId": str(checked["ccId"]), "vdn": str(checked["vdn"])}
    if status is not None:
        params["status"] = str(in_range(status, "status", 0, None))
    return {**params, **window(offset, limit, VDN_AGENTS_LIMIT_MAX)}


def _object(payload: Any) -> Mapping[str, Any]:
    return payload if isinstance(payload, Mapping) else {}


def parse_system_state(payload: Any) -> SystemState:
    """``SystemState`` of a ``systemstate`` payload."""
    return load(SystemState, _object(payload))


def parse_legacy_system_state(payload: Any) -> LegacySystemState:
    """``LegacySystemState`` of a ``querymonitor/systemstate`` payload."""
    return load(LegacySystemState, _object(payload))


def _rows(payload: Any) -> Any:
    """The list in a payload: the payload itself, or the first list-valued key of an object."""
    if isinstance(payload, Mapping):
        return next((v for v in payload.values() if isinstance(v, list)), [])
    return payload


def parse_agent_status(payload: Any) -> list[AgentStatusInfo]:
    """Per-agent status rows."""
    return load_list(AgentStatusInfo, _rows(payload))


def parse_team_agent_status(payload: Any) -> TeamAgentStatus:
    """Counts per state."""
    return load(TeamAgentStatus, _object(payload))


def parse_agent_rest_info(payload: Any) -> AgentRestInfo:
    """Rest figures and details."""
    return load(AgentRestInfo, _object(payload))


def parse_agent_calls(payload: Any) -> list[AgentCalls]:
    """Per-agent call lists."""
    return load_list(AgentCalls, _rows(payload))


def parse_vdn_agents(payload: Any, offset: int, limit: int) -> Page[AgentBrief]:
    """One page of ``totalagentabstractex3``: ``count`` (every agent of the VDN) is the total;
    the agents are the payload's list, whatever its key. ``page`` is ``offset // limit + 1``."""
    data = _object(payload)
    total = data.get("count")
    return Page(
        items=load_list(AgentBrief, _rows(payload)),
        page=offset // limit + 1,
        size=limit,
        total=int(total) if total is not None else None,
    )


def parse_agents_by_status(payload: Any) -> list[AgentBrief]:
    """The ``data`` rows of ``queryAgentByStatus``."""
    return load_list(AgentBrief, _rows(payload))


def _of_payload(parse: Callable[[Any], R]) -> Parser[R]:
    return lambda payload, _: parse(payload)


def _vdn_page(payload: Any, params: Mapping[str, Any]) -> Page[AgentBrief]:
    return parse_vdn_agents(payload, params["offset"], params["limit"])


def _endpoint(
    path: str, parse: Callable[[Any], R], *, wrapped: bool, envelope: EnvelopeKind = "result"
) -> CECEndpoint[R]:
    return CECEndpoint(path=path, parse=_of_payload(parse), wrapped=wrapped, envelope=envelope)


SYSTEM_STATE: Final = _endpoint("agentgroup/systemstate", parse_system_state, wrapped=True)
LEGACY_SYSTEM_STATE: Final = _endpoint(
    "querymonitor/systemstate", parse_legacy_system_state, wrapped=True
)
AGENT_STATUS: Final = _endpoint(
    "agentgroup/agentstatusinfobyagentids", parse_agent_status, wrapped=False
)
TEAM_AGENT_STATUS: Final = _endpoint(
    "agentgroup/teamagentstatusinfo", parse_team_agent_status, wrapped=False
)
AGENT_REST_INFO: Final = _endpoint("agentgroup/agentrestinfos", parse_agent_rest_info, wrapped=True)
AGENT_CALLS: Final = _endpoint("agentgroup/queryagentcalls", parse_agent_calls, wrapped=False)
VDN_AGENTS: Final = CECEndpoint(
    path="vdn/totalagentabstractex3",
    parse=_vdn_page,
    wrapped=False,
    page_cap=VDN_AGENTS_LIMIT_MAX,
)
AGENTS_BY_STATUS: Final = _endpoint(
    "vdn/queryAgentByStatus", parse_agents_by_status, wrapped=False, envelope="return"
)

ENDPOINTS: Final[tuple[CECEndpoint[Any], ...]] = (
    SYSTEM_STATE,
    LEGACY_SYSTEM_STATE,
    AGENT_STATUS,
    TEAM_AGENT_STATUS,
    AGENT_REST_INFO,
    AGENT_CALLS,
    VDN_AGENTS,
    AGENTS_BY_STATUS,
)
