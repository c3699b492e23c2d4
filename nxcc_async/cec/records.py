"""Typed, immutable CEC monitoring records. Vendor fields become snake_case attributes.

Unknown vendor keys land in ``extra``; ``nxcc_async._core.converter.dump(record)`` gives the
vendor shape back. ``current_state`` is kept as the raw CTI code; ``state`` classifies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from nxcc_async._core import timeutil
from nxcc_async._core.converter import Codec, dump, extra_field, load_list, register, wire
from nxcc_async.cec.states import AgentStateKind

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


CODE = Codec(load=_load_code, dump=lambda v: v)
"""A vendor code documented as a number: ``int`` when it is one, else kept as text."""


def _records(cls: type[Any]) -> Codec:
    return Codec(load=lambda v: tuple(load_list(cls, v)), dump=lambda v: [dump(r) for r in v])


@register
@attrs.frozen(kw_only=True)
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
@attrs.frozen(kw_only=True)
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
    current_state: int

    @property
    def state(self) -> AgentStateKind:
        """What ``current_state`` means (signed out, idle, talking, ...)."""
        return AgentStateKind.of(self.current_state)


@register
@attrs.frozen(kw_only=True)
class AgentStatusInfo(_HasState):
    """Status of one agent (``agentgroup/agentstatusinfobyagentids``).

    ``current_state_time``/``prev_state_time`` are seconds as sent (the docs do not say whether
    a duration or an epoch); ``logon_time`` is ``None`` when the agent is not signed in."""

    agent_id: int = wire(0)
    location_id: int = wire(0)
    current_state: int = wire(0)
    current_state_time: int = wire(0)
    current_state_reason: int = wire(0)
    prev_state: int = wire(0)
    prev_state_time: int = wire(0)
    logon_time: dt.datetime | None = wire(None, codec=LOGON_TIME)
    agent_release: int | str | None = wire(None, codec=CODE)
    current_private_call_num: int = wire(0)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True)
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
@attrs.frozen(kw_only=True)
class AgentRestDetail:
    """One agent's rest entry (``agentsRestDetails``); other fields are undocumented: ``extra``."""

    agent_id: int = wire(0)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True)
class AgentRestInfo:
    """Rest figures of one page of a VDN's agents (``agentgroup/agentrestinfos``)."""

    allow_rest_num: int = wire(0)
    on_rest_num: int = wire(0)
    wait_rest_num: int = wire(0)
    agents_rest_details: tuple[AgentRestDetail, ...] = wire((), codec=_records(AgentRestDetail))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True)
class AgentCall:
    """One call of an agent (``callList`` of ``agentgroup/queryagentcalls``)."""

    call_id: str = wire("")
    call_status: int | str | None = wire(None, codec=CODE)
    call_in_out: int | str | None = wire(None, codec=CODE)
    media_type: int | str | None = wire(None, codec=CODE)
    submedia_type: int | str | None = wire(None, codec=CODE)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True)
class AgentCalls:
    """The calls an agent is handling (``agentgroup/queryagentcalls``)."""

    agent_id: int = wire(0)
    call_list: tuple[AgentCall, ...] = wire((), codec=_records(AgentCall))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True)
class AgentBrief(_HasState):
    """An agent and its state (``vdn/totalagentabstractex3``, ``vdn/queryAgentByStatus``)."""

    agent_id: int = wire(0)
    location_id: int = wire(0)
    current_state: int = wire(0)
    current_state_time: int = wire(0)
    extra: Mapping[str, Any] = extra_field()
