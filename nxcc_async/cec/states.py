"""CTI agent state codes (``currentState``) grouped into the kinds the monitoring counts use."""

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
    def of(cls, code: int) -> AgentStateKind:
        """The kind of a ``currentState`` code; ``UNKNOWN`` for codes outside the list."""
        return _KINDS.get(code, cls.UNKNOWN)

    @property
    def signed_in(self) -> bool:
        """True for every kind but ``SIGNED_OUT``."""
        return self is not AgentStateKind.SIGNED_OUT


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
