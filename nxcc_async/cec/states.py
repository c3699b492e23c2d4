"""CTI agent state codes (``currentState``, ``state``, ``ctiStatus``) and the kinds the monitoring
counts group them into. One enum for every record that carries a code."""

from __future__ import annotations

import enum


class AgentStateKind(enum.Enum):
    """What a CTI ``currentState`` code means: 0 signed out, 1 idle, 2-5 talking, 6 wrap-up,
    7 busy, 8 rest, anything else unknown (the vendor's list is partial)."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    TALKING = "talking"
    WRAP_UP = "wrap_up"
    BUSY = "busy"
    REST = "rest"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, code: int | None) -> AgentStateKind:
        """The kind of a ``currentState`` code; ``UNKNOWN`` for codes outside the list."""
        return _KINDS.get(code, cls.UNKNOWN) if code is not None else cls.UNKNOWN

    @property
    def signed_in(self) -> bool:
        """True for every kind but ``SIGNED_OUT``."""
        return self is not AgentStateKind.SIGNED_OUT


class CtiState(enum.IntEnum):
    """A CTI agent state code, as the monitoring interfaces send it (``currentState`` of
    ``agentstatusinfobyagentids``/``totalagentabstractex3``/``queryAgentByStatus``, ``state`` of
    ``totalagentdynamicinfo``/``totalagentstate``, ``ctiStatus`` of ``agentbyworkno``).

    The vendor documents 0 signed out, 1 idle, 2-5 talking (sub-states not named), 6 wrap-up,
    7 busy, 8 rest, 9 unknown. Records keep codes outside this list as plain ``int``."""

    SIGNED_OUT = 0
    IDLE = 1
    TALKING = 2
    TALKING_3 = 3
    TALKING_4 = 4
    TALKING_5 = 5
    WRAP_UP = 6
    BUSY = 7
    REST = 8
    UNKNOWN = 9

    @property
    def kind(self) -> AgentStateKind:
        """The kind this code counts as."""
        return AgentStateKind.of(int(self))


class WorkNoStatus(enum.IntEnum):
    """``status`` of ``agent/agentbyworkno``: a numbering of its own, not the CTI codes
    (0 unknown, 2 signed out, 3 busy, 4 idle, 5 wrap-up, 7 talking, 8 rest)."""

    UNKNOWN = 0
    SIGNED_OUT = 2
    BUSY = 3
    IDLE = 4
    WRAP_UP = 5
    TALKING = 7
    REST = 8

    @property
    def kind(self) -> AgentStateKind:
        """The kind this status counts as."""
        return _WORKNO_KINDS[self]


_KINDS = {
    0: AgentStateKind.SIGNED_OUT,
    1: AgentStateKind.IDLE,
    2: AgentStateKind.TALKING,
    3: AgentStateKind.TALKING,
    4: AgentStateKind.TALKING,
    5: AgentStateKind.TALKING,
    6: AgentStateKind.WRAP_UP,
    7: AgentStateKind.BUSY,
    8: AgentStateKind.REST,
}

_WORKNO_KINDS = {
    WorkNoStatus.UNKNOWN: AgentStateKind.UNKNOWN,
    WorkNoStatus.SIGNED_OUT: AgentStateKind.SIGNED_OUT,
    WorkNoStatus.BUSY: AgentStateKind.BUSY,
    WorkNoStatus.IDLE: AgentStateKind.IDLE,
    WorkNoStatus.WRAP_UP: AgentStateKind.WRAP_UP,
    WorkNoStatus.TALKING: AgentStateKind.TALKING,
    WorkNoStatus.REST: AgentStateKind.REST,
}
