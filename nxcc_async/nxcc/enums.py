"""Enums of the NXCC API, each translated to the vendor's numbering in one place."""

from __future__ import annotations

import enum


class CallDirection(enum.Enum):
    """Direction of a call. The API numbers it twice: see ``record_code`` and ``filter_code``."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    AICC = "aicc"

    @property
    def record_code(self) -> int:
        """The number in a CDR's ``direction`` field: 0 inbound, 1 outbound, 2 AICC."""
        return _RECORD_CODES[self]

    @property
    def filter_code(self) -> int:
        """The number of the ``cdr/page`` filter: 1 inbound, 2 outbound, 3 AICC (0 is "all")."""
        return _RECORD_CODES[self] + 1

    @classmethod
    def from_record_code(cls, code: int) -> CallDirection:
        """The direction of a CDR's ``direction`` number; ``ValueError`` for unknown numbers."""
        for member, value in _RECORD_CODES.items():
            if value == code:
                return member
        raise ValueError(f"unknown CDR direction code {code!r}")


_RECORD_CODES = {CallDirection.INBOUND: 0, CallDirection.OUTBOUND: 1, CallDirection.AICC: 2}


class AnsweredFilter(enum.IntEnum):
    """The ``answered`` filter of ``cdr/page`` (sent as this integer)."""

    ALL = 0
    UNANSWERED = 1
    ANSWERED = 2


class HangupParty(enum.IntEnum):
    """Who hung up (``hangupBy``). The vendor's examples contradict it: prefer ``hangup_code``."""

    AGENT = 0
    USER = 1
    UNKNOWN = 2

    @classmethod
    def _missing_(cls, value: object) -> HangupParty:
        return cls.UNKNOWN


class AgentAccountStatus(enum.IntEnum):
    """Whether an agent account is enabled (``status`` of ``agent/page``)."""

    DISABLED = 0
    ENABLED = 1


class RingPolicy(enum.IntEnum):
    """How an agent group rings its members (``ringPolicy``)."""

    SIMULTANEOUS = 1
    SEQUENTIAL = 2


class DispatchType(enum.IntEnum):
    """Dialling strategy of an auto-dial task (``dispatchType``)."""

    NONE = 0
    RATIO = 1
    PREDICTIVE = 2


class StartupType(enum.IntEnum):
    """How an auto-dial task starts (``startupType``)."""

    NONE = 0
    MANUAL = 1
    SCHEDULED = 2
    IMMEDIATE = 3


class NumberType(enum.IntEnum):
    """Kind of a caller-ID number (``type`` of ``did/myUsefulNumber``)."""

    RANDOM = -1
    DID = 0
    ROUTE = 1
