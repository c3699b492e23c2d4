"""Typed, immutable CEC monitoring records. Vendor fields become snake_case attributes.

Unknown vendor keys land in ``extra``; ``nxcc_async._core.converter.dump(record)`` gives the
vendor shape back. Every CTI state code is a :class:`~nxcc_async.cec.states.CtiState` (a code
outside the documented list stays a plain ``int``); ``state`` classifies it.

Where the vendor describes a payload only in words (skill queues, call info, history indicators)
the typed fields are the ones it names, under wire names that are our guess; they are optional
(``None`` when a server spells them otherwise) and every key is also kept: unknown ones in
``extra``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from nxcc_async._core import timeutil
from nxcc_async._core.codecs import OPTIONAL_FLOAT, OPTIONAL_INT, int_enum
from nxcc_async._core.converter import Codec, dump, extra_field, keep, load_list, register, wire
from nxcc_async.cec.states import AgentStateKind, CtiState, WorkNoStatus

#: ``logonTime`` of an agent that is not signed in (``0xFFFFFFFF`` seconds, in milliseconds).
NOT_SIGNED_IN_MS = 4294967295000


def _load_logon(value: Any) -> dt.datetime | None:
    if value in (None, "") or int(value) == NOT_SIGNED_IN_MS:
        return None
    return timeutil.from_epoch_ms(int(value))


def _dump_logon(value: dt.datetime | None) -> int:
    return NOT_SIGNED_IN_MS if value is None else timeutil.to_epoch_ms(value)


LOGON_TIME = Codec(load=_load_logon, dump=_dump_logon)
"""Epoch ms <-> aware UTC datetime; ``4294967295000`` (not signed in) <-> ``None``."""


def _load_code(value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


CODE = Codec(load=_load_code, dump=keep)
"""A vendor code documented as a number: ``int`` when it is one, else kept as text."""


def _load_state(value: Any) -> CtiState | int:
    if value is None or value == "":
        return CtiState.UNKNOWN
    code = int(value)
    return _CTI_STATES.get(code, code)


_CTI_STATES = {int(member): member for member in CtiState}

CTI_STATE = Codec(load=_load_state, dump=int)
"""A CTI state code <-> :class:`CtiState` (unknown codes stay ``int``; missing: ``UNKNOWN``)."""


def _load_raw(value: Any) -> Any:
    return value


RAW = Codec(load=_load_raw, dump=_load_raw)
"""A value kept exactly as sent (number, string, ...)."""


def _records(cls: type[Any]) -> Codec:
    return Codec(load=lambda v: tuple(load_list(cls, v)), dump=lambda v: [dump(r) for r in v])


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class SystemState:
    """Agent counts of one page of a VDN's agents (``agentgroup/systemstate``).

    Records add up: ``a + b`` sums every count (used to total a VDN over its pages)."""

    busy_agent: int = wire(0)
    talking_num: int = wire(0)
    idle_agent: int = wire(0)
    total_login_agent: int = wire(0)
    extra: Mapping[str, Any] = extra_field()

    def __add__(self, other: SystemState) -> SystemState:
        if not isinstance(other, SystemState):
            return NotImplemented
        return SystemState(
            busy_agent=self.busy_agent + other.busy_agent,
            talking_num=self.talking_num + other.talking_num,
            idle_agent=self.idle_agent + other.idle_agent,
            total_login_agent=self.total_login_agent + other.total_login_agent,
        )


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class LegacySystemState:
    """Agent counts of a whole VDN from the older ``querymonitor/systemstate`` edition.

    Same attributes as :class:`SystemState`; on the wire the keys are lower-case and the idle
    count is ``Idleagent`` (capital I)."""

    busy_agent: int = wire(0, name="busyagent")
    talking_num: int = wire(0, name="talkingnum")
    idle_agent: int = wire(0, name="Idleagent")
    total_login_agent: int = wire(0, name="totalloginagent")
    extra: Mapping[str, Any] = extra_field()

    def to_system_state(self) -> SystemState:
        """The same counts as a :class:`SystemState`."""
        return SystemState(
            busy_agent=self.busy_agent,
            talking_num=self.talking_num,
            idle_agent=self.idle_agent,
            total_login_agent=self.total_login_agent,
        )


class _HasState:
    current_state: CtiState | int

    @property
    def state(self) -> AgentStateKind:
        """What ``current_state`` means (signed out, idle, talking, ...)."""
        return AgentStateKind.of(int(self.current_state))


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentStatusInfo(_HasState):
    """Status of one agent (``agentgroup/agentstatusinfobyagentids``).

    ``current_state_time``/``prev_state_time`` are seconds as sent (the docs do not say whether
    a duration or an epoch); ``logon_time`` is ``None`` when the agent is not signed in."""

    agent_id: int = wire(0)
    location_id: int = wire(0)
    current_state: CtiState | int = wire(CtiState.UNKNOWN, codec=CTI_STATE)
    current_state_time: int = wire(0)
    current_state_reason: int = wire(0)
    prev_state: CtiState | int = wire(CtiState.UNKNOWN, codec=CTI_STATE)
    prev_state_time: int = wire(0)
    logon_time: dt.datetime | None = wire(None, codec=LOGON_TIME)
    agent_release: int | str | None = wire(None, codec=CODE)
    current_private_call_num: int = wire(0)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class TeamAgentStatus:
    """How many of the given agents are in each state (``agentgroup/teamagentstatusinfo``).

    Counters beyond these (the list is open-ended) are in ``extra``."""

    logged_in: int = wire(0, name="loginEd")
    talking: int = wire(0)
    idle: int = wire(0)
    usable: int = wire(0)
    set_busy: int = wire(0)
    rest: int = wire(0)
    studying: int = wire(0)
    occupy: int = wire(0)
    preoccupy: int = wire(0)
    answering: int = wire(0)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentRestDetail:
    """One agent's rest entry (``agentsRestDetails``): ``workNo``, ``agentName``,
    ``cantRestReason``, ``beginTime``, ``restDuration`` (seconds).

    ``begin_time`` is kept as sent (the docs do not give its format); ``cant_rest_reason`` is a
    code (``int``) or text. ``agent_id`` reads ``work_no`` (the name of earlier releases)."""

    work_no: int | str | None = wire(None, codec=CODE)
    agent_name: str | None = wire(None)
    cant_rest_reason: int | str | None = wire(None, codec=CODE)
    begin_time: int | str | None = wire(None, codec=CODE)
    rest_duration: int | None = wire(None, codec=OPTIONAL_INT)
    extra: Mapping[str, Any] = extra_field()

    @property
    def agent_id(self) -> int | str | None:
        """The agent's work number (``work_no``)."""
        return self.work_no


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentRestInfo:
    """Rest figures of one page of a VDN's agents (``agentgroup/agentrestinfos``)."""

    allow_rest_num: int = wire(0)
    on_rest_num: int = wire(0)
    wait_rest_num: int = wire(0)
    agents_rest_details: tuple[AgentRestDetail, ...] = wire((), codec=_records(AgentRestDetail))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentCall:
    """One call of an agent (``callList`` of ``agentgroup/queryagentcalls``)."""

    call_id: str = wire("")
    call_status: int | str | None = wire(None, codec=CODE)
    call_in_out: int | str | None = wire(None, codec=CODE)
    media_type: int | str | None = wire(None, codec=CODE)
    submedia_type: int | str | None = wire(None, codec=CODE)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentCalls:
    """The calls an agent is handling (``agentgroup/queryagentcalls``)."""

    agent_id: int = wire(0)
    call_list: tuple[AgentCall, ...] = wire((), codec=_records(AgentCall))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentBrief(_HasState):
    """An agent and its state (``vdn/totalagentabstractex3``, ``vdn/queryAgentByStatus``)."""

    agent_id: int = wire(0)
    location_id: int = wire(0)
    current_state: CtiState | int = wire(CtiState.UNKNOWN, codec=CTI_STATE)
    current_state_time: int = wire(0)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentState(_HasState):
    """An agent and its CTI state code (``vdn/totalagentdynamicinfo``, ``vdn/totalagentstate``;
    ``state`` on the wire, ``current_state`` here like every other record)."""

    agent_id: int = wire(0)
    current_state: CtiState | int = wire(CtiState.UNKNOWN, name="state", codec=CTI_STATE)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentInfo:
    """One agent by work number (``agent/agentbyworkno``). Keys are lower-case on the wire
    (``workno``, ``vdnid``, ``phonenumber``, ``logindate``, ``currentstatetime``, ``mediatype``).

    ``status`` has its own numbering (:class:`WorkNoStatus`); ``cti_status`` is the CTI code
    (some documents spell it ``citStatus``: read as ``ctiStatus``). ``login_date`` is kept as
    sent: its format is not documented."""

    work_no: int | str | None = wire(None, name="workno", codec=CODE)
    vdn_id: int | None = wire(None, name="vdnid", codec=OPTIONAL_INT)
    name: str | None = wire(None)
    phone_number: str | None = wire(None, name="phonenumber")
    cti_status: CtiState | int | None = wire(None, name="ctiStatus", codec=int_enum(CtiState))
    status: WorkNoStatus | int | None = wire(None, codec=int_enum(WorkNoStatus))
    login_date: int | str | None = wire(None, name="logindate", codec=CODE)
    current_state_time: int | None = wire(None, name="currentstatetime", codec=OPTIONAL_INT)
    media_type: int | str | None = wire(None, name="mediatype", codec=CODE)
    extra: Mapping[str, Any] = extra_field()

    @property
    def state(self) -> AgentStateKind:
        """What the agent is doing: from ``status``, else from ``cti_status``."""
        if isinstance(self.status, WorkNoStatus) and self.status is not WorkNoStatus.UNKNOWN:
            return self.status.kind
        return AgentStateKind.of(None if self.cti_status is None else int(self.cti_status))


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class IndicatorValue:
    """One indicator of an ``idxs`` list: its ``id`` and its value ``val`` (kept as sent)."""

    id: int | str | None = wire(None, codec=CODE)
    val: Any = wire(None, codec=RAW)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class Indicators:
    """Indicator values of one agent or skill (``agentgroup/rindex``, ``skill/rindex``, and the
    rows of the ``hisindex/*`` interfaces when they have this shape): ``id`` is the agent or
    skill id, ``idxs`` the values."""

    id: int | str | None = wire(None, codec=CODE)
    idxs: tuple[IndicatorValue, ...] = wire((), codec=_records(IndicatorValue))
    extra: Mapping[str, Any] = extra_field()

    def as_dict(self) -> dict[int | str | None, Any]:
        """``{indicator id: value}``."""
        return {item.id: item.val for item in self.idxs}


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class SkillServiceQuality:
    """Service level of one skill queue over the current 5 minutes (``skill/servicequality``).

    ``service_level`` is the number as sent (the emulator sends a percentage)."""

    skill_id: int | None = wire(None, codec=OPTIONAL_INT)
    service_level: float | None = wire(None, codec=OPTIONAL_FLOAT)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class SkillStatus:
    """Extended state of one skill queue (``skill/totalskillstatusex3``): the skill, how many
    calls wait and how many agents serve it. Everything else the server sends is in ``extra``."""

    skill_id: int | None = wire(None, codec=OPTIONAL_INT)
    skill_name: str | None = wire(None)
    waiting_calls: int | None = wire(None, name="queueSize", codec=OPTIONAL_INT)
    longest_wait: int | None = wire(None, name="maxWaitTime", codec=OPTIONAL_INT)
    login_agents: int | None = wire(None, name="loginAgentNum", codec=OPTIONAL_INT)
    idle_agents: int | None = wire(None, name="idleAgentNum", codec=OPTIONAL_INT)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class SkillStateInfo:
    """Detailed statistics of one skill queue (``realindex/skill/stateinfo``); the statistics
    themselves are undocumented and kept in ``extra``."""

    skill_id: int | None = wire(None, codec=OPTIONAL_INT)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class CallInfo:
    """A live call (``calldata/querybasiccallinfo``, ``calldata/querydetailcallinfo``) or a call of
    a period (``vdn/querycalls``). Only ``callId`` is named by the docs: the rest is in
    ``extra``."""

    call_id: str | None = wire(None)
    extra: Mapping[str, Any] = extra_field()
