"""CEC interfaces as values: where each lives, how its body is wrapped, which envelope answers
it, how its arguments are checked (before anything is sent) and how its payload becomes records.
No I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal, TypeVar, cast

import attrs
import orjson

from nxcc_async._core.converter import load, load_list
from nxcc_async._core.endpoint import Endpoint, Parser, check_text, in_range
from nxcc_async._core.page import Page
from nxcc_async._core.timeutil import TimeArg, check_range
from nxcc_async.cec.envelope import EnvelopeKind
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCalls,
    AgentInfo,
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

R = TypeVar("R")
T = TypeVar("T")

PREFIX: Final = "/rest/cmsapp/v1/openapi/"
PREFIX_V2: Final = "/rest/cmsapp/v2/openapi/"
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
AGENT_INDICATOR_IDS_MAX: Final = 100
AGENT_INDEX_IDS_MAX: Final = 4
SKILL_IDS_MAX: Final = 1000
SKILL_INDEX_IDS_MAX: Final = 12
#: ``vdn/totalagentdynamicinfo`` documents no cap: the one of its sibling ``totalagentabstractex3``.
DYNAMIC_LIMIT_MAX: Final = 1000

HistoryKind = Literal["agent", "agentforday", "skill", "vdn", "ivr"]
HISTORY_KINDS: Final[tuple[HistoryKind, ...]] = ("agent", "agentforday", "skill", "vdn", "ivr")


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


def _id(item: object, what: str) -> int:
    if isinstance(item, str) and item.strip().isdigit():
        return int(item)
    return in_range(item, f"each {what}", 1, None)


def _many(items: object, name: str) -> list[Any]:
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TypeError(f"{name} must be a list, not a single value")
    return list(items)


def _capped(result: list[T], name: str, cap: int | None) -> list[T]:
    if not result:
        raise ValueError(f"{name} must not be empty")
    if cap is not None and len(result) > cap:
        raise ValueError(f"at most {cap} {name.replace('_', ' ')} per call, got {len(result)}")
    if len(set(result)) != len(result):
        raise ValueError(f"{name} lists an id twice")
    return result


def agent_ids(ids: Iterable[int], cap: int) -> list[int]:
    """A non-empty list of at most ``cap`` distinct agent ids (ints, or digit strings made
    ints): a repeated id would use up the per-call allowance for a duplicate row."""
    return _capped([_id(item, "agent id") for item in _many(ids, "agent_ids")], "agent_ids", cap)


def skill_ids(ids: Iterable[int], cap: int = SKILL_IDS_MAX) -> list[int]:
    """A non-empty list of at most ``cap`` distinct skill ids (ints >= 1 or digit strings)."""
    return _capped([_id(item, "skill id") for item in _many(ids, "skill_ids")], "skill_ids", cap)


def index_ids(ids: Iterable[str], cap: int | None) -> list[str]:
    """A non-empty list of at most ``cap`` distinct indicator ids (non-blank strings, e.g.
    ``IDX_COUNT_AGENT_SIGN_IN``)."""
    items = [check_text(item, "each indicator id") for item in _many(ids, "index_ids")]
    return _capped(items, "index_ids", cap)


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


def agent_params(cc_id: int, vdn: int, agent_id: int) -> dict[str, int]:
    """``ccId``, ``vdn`` and one ``agentId`` (the agent's work number, >= 1)."""
    return {**scope(cc_id, vdn), "agentId": _id(agent_id, "agent id")}


def agent_indicators_params(
    cc_id: int, vdn: int, ids: Iterable[int], indicators: Iterable[str]
) -> dict[str, Any]:
    """Parameters of ``agentgroup/rindex``: at most 100 agents and 4 indicators."""
    return {
        **agent_ids_params(cc_id, vdn, ids, AGENT_INDICATOR_IDS_MAX),
        "indexIds": index_ids(indicators, AGENT_INDEX_IDS_MAX),
    }


def dynamic_states_params(cc_id: int, vdn: int, offset: int, limit: int) -> dict[str, int]:
    """Parameters of ``vdn/totalagentdynamicinfo`` (limit 1-1000: our reading)."""
    return {**scope(cc_id, vdn), **window(offset, limit, DYNAMIC_LIMIT_MAX)}


def skill_ids_params(cc_id: int, vdn: int, ids: Iterable[int]) -> dict[str, Any]:
    """``ccId``, ``vdn`` and ``skillIds`` (at most 1000)."""
    return {**scope(cc_id, vdn), "skillIds": skill_ids(ids)}


def skill_indicators_params(
    cc_id: int, vdn: int, ids: Iterable[int], indicators: Iterable[str]
) -> dict[str, Any]:
    """Parameters of ``skill/rindex``: at most 1000 skills and 12 indicators."""
    return {
        **skill_ids_params(cc_id, vdn, ids),
        "indexIds": index_ids(indicators, SKILL_INDEX_IDS_MAX),
    }


def call_params(cc_id: int, vdn: int, call_id: str) -> dict[str, Any]:
    """``ccId``, ``vdn`` and a ``callId`` (e.g. ``"1605492949-1447"``)."""
    return {**scope(cc_id, vdn), "callId": check_text(call_id, "call_id")}


def vdn_calls_params(
    cc_id: int, vdn: int, start: TimeArg, end: TimeArg, inbound: bool
) -> dict[str, Any]:
    """Parameters of ``vdn/querycalls`` (v2): ``beginDate``/``endDate`` as epoch milliseconds and
    ``isCallIn`` as a JSON boolean (the formats are our reading; the docs name only the keys)."""
    if not isinstance(inbound, bool):
        raise TypeError(f"inbound must be a bool, not {type(inbound).__name__}")
    begin, finish = check_range(start, end)
    return {
        **scope(cc_id, vdn),
        "beginDate": begin * 1000,
        "endDate": finish * 1000,
        "isCallIn": inbound,
    }


def history_params(
    cc_id: int, vdn: int, indicators: Iterable[str], params: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Parameters of ``hisindex/*``: ``ccId``, ``vdn``, ``indexIds``, plus ``params`` as given
    (the rest of the body, e.g. the period and object ids, is not documented)."""
    extra = dict(params or {})
    for key in extra:
        if not isinstance(key, str) or not key:
            raise TypeError("params keys must be non-empty strings")
    clash = {"ccId", "vdn", "indexIds"} & set(extra)
    if clash:
        raise ValueError(f"params must not repeat {sorted(clash)}: pass them as arguments")
    return {**scope(cc_id, vdn), "indexIds": index_ids(indicators, None), **extra}


def _object(payload: Any) -> Mapping[str, Any]:
    """The payload's object, where a listing may also answer a bare list (no ``count``)."""
    return payload if isinstance(payload, Mapping) else {}


def _record(payload: Any) -> Mapping[str, Any]:
    """The object of a one-record payload: the object, the only object of a one-item list, or
    nothing (null: every field at its default). Anything else is no record: ``TypeError``,
    which the client raises as a ``ResponseFormatError`` rather than answer all zeros."""
    if isinstance(payload, Mapping):
        return payload
    if payload is None:
        return {}
    if isinstance(payload, list) and len(payload) == 1 and isinstance(payload[0], Mapping):
        return cast(Mapping[str, Any], payload[0])
    raise TypeError(f"the payload is not one record but {type(payload).__name__}")


def parse_system_state(payload: Any) -> SystemState:
    """``SystemState`` of a ``systemstate`` payload."""
    return load(SystemState, _record(payload))


def parse_legacy_system_state(payload: Any) -> LegacySystemState:
    """``LegacySystemState`` of a ``querymonitor/systemstate`` payload. The documented idle
    count is ``Idleagent`` (capital I); a payload with the lower-case ``idleagent`` alone, as
    its sibling keys are spelled, is read the same."""
    fields = _record(payload)
    if "Idleagent" not in fields and "idleagent" in fields:
        fields = {("Idleagent" if k == "idleagent" else k): v for k, v in fields.items()}
    return load(LegacySystemState, fields)


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
    return load(TeamAgentStatus, _record(payload))


def parse_agent_rest_info(payload: Any) -> AgentRestInfo:
    """Rest figures and details."""
    return load(AgentRestInfo, _record(payload))


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


def _counted(record: type[T]) -> Parser[Page[T]]:
    """Parser of one page of a VDN listing that reports ``count``."""

    def parse(payload: Any, params: Mapping[str, Any]) -> Page[T]:
        total = _object(payload).get("count")
        offset, limit = params["offset"], params["limit"]
        return Page(
            items=load_list(record, _rows(payload)),
            page=offset // limit + 1,
            size=limit,
            total=int(total) if total is not None else None,
        )

    return parse


def parse_agent_info(payload: Any) -> AgentInfo:
    """``AgentInfo`` of an ``agentbyworkno`` payload (``citStatus`` read as ``ctiStatus``)."""
    data = dict(_record(payload))
    if "ctiStatus" not in data and "citStatus" in data:
        data["ctiStatus"] = data.pop("citStatus")
    return load(AgentInfo, data)


def parse_call_ids(payload: Any) -> list[str]:
    """The call ids of ``agent/queryagentcalls``: a list of strings (numbers made text)."""
    rows = _rows(payload)
    if rows is None:
        return []
    if not isinstance(rows, list) or any(isinstance(c, (dict, list, bool)) for c in rows):
        raise TypeError("expected a list of call ids")
    return [str(call) for call in rows]


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def parse_flag(payload: Any) -> bool:
    """A boolean payload (``calldata/isprocesscall``): JSON true/false, 0/1 or their text."""
    if isinstance(payload, bool):
        return payload
    if isinstance(payload, int) and payload in (0, 1):
        return bool(payload)
    if isinstance(payload, str) and payload.strip().lower() in _TRUE | _FALSE:
        return payload.strip().lower() in _TRUE
    raise ValueError(f"expected a boolean, got {type(payload).__name__}")


def parse_call_info(payload: Any) -> CallInfo:
    """One live call (an object, or a one-item list)."""
    rows = payload if isinstance(payload, list) else [payload]
    found = load_list(CallInfo, rows[:1])
    if not found:
        raise ValueError("no call in the answer")
    return found[0]


def _list_of(record: type[T]) -> Callable[[Any], list[T]]:
    return lambda payload: load_list(record, _rows(payload))


def _of_payload(parse: Callable[[Any], R]) -> Parser[R]:
    return lambda payload, _: parse(payload)


def _vdn_page(payload: Any, params: Mapping[str, Any]) -> Page[AgentBrief]:
    return parse_vdn_agents(payload, params["offset"], params["limit"])


def _endpoint(
    path: str,
    parse: Callable[[Any], R],
    *,
    wrapped: bool,
    envelope: EnvelopeKind = "result",
    prefix: str = PREFIX,
) -> CECEndpoint[R]:
    return CECEndpoint(
        path=path, prefix=prefix, parse=_of_payload(parse), wrapped=wrapped, envelope=envelope
    )


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

AGENT_INDICATORS: Final = _endpoint("agentgroup/rindex", _list_of(Indicators), wrapped=False)
AGENT_BY_WORK_NO: Final = _endpoint("agent/agentbyworkno", parse_agent_info, wrapped=False)
LEGACY_AGENT_BY_WORK_NO: Final = _endpoint(
    "agentgroup/agentbyworkno", parse_agent_info, wrapped=True
)
AGENT_CALL_IDS: Final = _endpoint("agent/queryagentcalls", parse_call_ids, wrapped=False)
IS_IN_CALL: Final = _endpoint("calldata/isprocesscall", parse_flag, wrapped=True)
DYNAMIC_STATES: Final = CECEndpoint(
    path="vdn/totalagentdynamicinfo",
    parse=_counted(AgentState),
    wrapped=False,
    page_cap=DYNAMIC_LIMIT_MAX,
)
AGENT_STATES: Final = _endpoint("vdn/totalagentstate", _list_of(AgentState), wrapped=False)
SKILL_INDICATORS: Final = _endpoint("skill/rindex", _list_of(Indicators), wrapped=False)
SKILL_SERVICE_QUALITY: Final = _endpoint(
    "skill/servicequality", _list_of(SkillServiceQuality), wrapped=False
)
SKILL_STATUS: Final = _endpoint("skill/totalskillstatusex3", _list_of(SkillStatus), wrapped=False)
SKILL_STATE_INFO: Final = _endpoint(
    "realindex/skill/stateinfo", _list_of(SkillStateInfo), wrapped=True
)
BASIC_CALL_INFO: Final = _endpoint("calldata/querybasiccallinfo", parse_call_info, wrapped=False)
DETAIL_CALL_INFO: Final = _endpoint("calldata/querydetailcallinfo", parse_call_info, wrapped=False)
VDN_CALLS: Final = _endpoint("vdn/querycalls", _list_of(CallInfo), wrapped=False, prefix=PREFIX_V2)
HISTORY: Final[dict[HistoryKind, CECEndpoint[list[Indicators]]]] = {
    kind: _endpoint(f"hisindex/{kind}", _list_of(Indicators), wrapped=False)
    for kind in HISTORY_KINDS
}

ENDPOINTS: Final[tuple[CECEndpoint[Any], ...]] = (
    SYSTEM_STATE,
    LEGACY_SYSTEM_STATE,
    AGENT_STATUS,
    TEAM_AGENT_STATUS,
    AGENT_REST_INFO,
    AGENT_CALLS,
    VDN_AGENTS,
    AGENTS_BY_STATUS,
    AGENT_INDICATORS,
    AGENT_BY_WORK_NO,
    LEGACY_AGENT_BY_WORK_NO,
    AGENT_CALL_IDS,
    IS_IN_CALL,
    DYNAMIC_STATES,
    AGENT_STATES,
    SKILL_INDICATORS,
    SKILL_SERVICE_QUALITY,
    SKILL_STATUS,
    SKILL_STATE_INFO,
    BASIC_CALL_INFO,
    DETAIL_CALL_INFO,
    VDN_CALLS,
    *HISTORY.values(),
)
