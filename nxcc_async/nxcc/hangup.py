"""Hang-up codes of ``cdr/page`` (``hangupCode``): what each means, who ended the call, whether
it was answered. The vendor says to trust ``hangupCode`` over ``hangupBy``.

The first digit is the call type: 1 inbound, 2 outbound, 3 AICC. Sub-codes of five digits refine
a four-digit one (``11031`` = ``1103`` while every agent was busy). ``HangupCode(n)`` raises
``ValueError`` for a code outside the documented table; ``CallRecord.hangup`` returns ``None``
for those instead.
"""

from __future__ import annotations

import enum

from nxcc_async.nxcc.enums import CallDirection, HangupParty


class HangupCode(enum.IntEnum):
    """A documented hang-up code; ``meaning``, ``direction``, ``party`` and ``answered`` say
    what it stands for."""

    IN_NORMAL = 1000
    IN_AGENT_HUNG_UP = 1001
    IN_USER_HUNG_UP = 1002
    IN_VOICEMAIL = 1003
    IN_NETWORK = 1004
    IN_VOICEMAIL_ALL_BUSY = 10031
    IN_VOICEMAIL_NOBODY_ONLINE = 10032
    IN_AGENT_QUICK_HANGUP = 1101
    IN_USER_QUICK_HANGUP = 1102
    IN_ABANDONED_IN_QUEUE = 1103
    IN_ABANDONED_IN_QUEUE_ALL_BUSY = 11031
    IN_ABANDONED_IN_QUEUE_NOBODY_ONLINE = 11032
    IN_QUEUE_TIMEOUT = 1104
    IN_QUEUE_TIMEOUT_ALL_BUSY = 11041
    IN_QUEUE_TIMEOUT_NOBODY_ONLINE = 11042
    IN_NO_AGENT_ONLINE = 1105
    IN_ALL_BUSY = 1106
    IN_BLACKLISTED = 1107
    IN_USER_CANCELLED = 1108
    IN_FORWARDED = 1109
    IN_FORWARDED_ALL_BUSY = 1110
    IN_FORWARDED_NOBODY_ONLINE = 1111
    OUT_NORMAL = 2000
    OUT_AGENT_HUNG_UP = 2001
    OUT_USER_HUNG_UP = 2002
    OUT_AGENT_CANCELLED = 2003
    OUT_NETWORK = 2004
    OUT_AGENT_QUICK_HANGUP = 2101
    OUT_USER_QUICK_HANGUP = 2102
    OUT_REJECTED = 2103
    OUT_TIMEOUT = 2104
    OUT_BLACKLISTED = 2105
    OUT_RESTRICTED_NUMBER = 2106
    OUT_TRIAL_QUOTA = 2107
    OUT_REFUSED = 2201
    OUT_UNREACHABLE = 2202
    OUT_BUSY = 2203
    OUT_CALL_EXCEPTION = 2204
    OUT_CANNOT_CONNECT = 2205
    OUT_AGENT_CANCEL = 2206
    AICC_NORMAL = 3000
    AICC_TRANSFERRED_AGENT_HUNG_UP = 3001
    AICC_TRANSFERRED_USER_HUNG_UP = 3002
    AICC_TRANSFERRED_NETWORK = 3003
    AICC_TRANSFER_FAILED = 3101
    AICC_TRANSFER_FAILED_NOBODY_ONLINE = 3102
    AICC_TRANSFER_FAILED_ALL_BUSY = 3103
    AICC_TRANSFER_FAILED_QUEUE_TIMEOUT = 3104
    AICC_TRANSFER_FAILED_QUEUE_TIMEOUT_ALL_BUSY = 31041
    AICC_TRANSFER_FAILED_QUEUE_TIMEOUT_NOBODY_ONLINE = 31042
    AICC_TRANSFER_FAILED_USER_HUNG_UP = 3105
    AICC_NOT_CONNECTED = 3106
    AICC_REJECTED = 3107

    @property
    def meaning(self) -> str:
        """The vendor's description, in English."""
        return _TABLE[self][0]

    @property
    def party(self) -> HangupParty:
        """Who ended the call, as far as the code tells (``UNKNOWN`` when it does not)."""
        return _TABLE[self][1]

    @property
    def answered(self) -> bool:
        """Whether a call ending with this code was answered (our reading of the meaning)."""
        return _TABLE[self][2]

    @property
    def direction(self) -> CallDirection:
        """The call type of the first digit: 1 inbound, 2 outbound, 3 AICC."""
        return _DIRECTIONS[str(int(self))[0]]

    @classmethod
    def lookup(cls, code: int | None) -> HangupCode | None:
        """The member of ``code``, or ``None`` for ``None`` and undocumented codes."""
        return _MEMBERS.get(code) if code is not None else None


_DIRECTIONS = {"1": CallDirection.INBOUND, "2": CallDirection.OUTBOUND, "3": CallDirection.AICC}

_A, _U, _X = HangupParty.AGENT, HangupParty.USER, HangupParty.UNKNOWN
H = HangupCode
#: code: (meaning, who hung up, answered)
_TABLE: dict[HangupCode, tuple[str, HangupParty, bool]] = {
    H.IN_NORMAL: ("normal", _X, True),
    H.IN_AGENT_HUNG_UP: ("agent hung up", _A, True),
    H.IN_USER_HUNG_UP: ("user hung up", _U, True),
    H.IN_VOICEMAIL: ("voicemail", _X, False),
    H.IN_NETWORK: ("network", _X, False),
    H.IN_VOICEMAIL_ALL_BUSY: ("voicemail (all agents busy)", _X, False),
    H.IN_VOICEMAIL_NOBODY_ONLINE: ("voicemail (no agent online)", _X, False),
    H.IN_AGENT_QUICK_HANGUP: ("agent quick hang-up", _A, True),
    H.IN_USER_QUICK_HANGUP: ("user quick hang-up", _U, True),
    H.IN_ABANDONED_IN_QUEUE: ("user abandoned in queue", _U, False),
    H.IN_ABANDONED_IN_QUEUE_ALL_BUSY: ("user abandoned in queue (all agents busy)", _U, False),
    H.IN_ABANDONED_IN_QUEUE_NOBODY_ONLINE: ("user abandoned in queue (no agent online)", _U, False),
    H.IN_QUEUE_TIMEOUT: ("queue timeout", _X, False),
    H.IN_QUEUE_TIMEOUT_ALL_BUSY: ("queue timeout (all agents busy)", _X, False),
    H.IN_QUEUE_TIMEOUT_NOBODY_ONLINE: ("queue timeout (no agent online)", _X, False),
    H.IN_NO_AGENT_ONLINE: ("no agent online", _X, False),
    H.IN_ALL_BUSY: ("all agents busy", _X, False),
    H.IN_BLACKLISTED: ("blacklisted", _X, False),
    H.IN_USER_CANCELLED: ("user cancelled", _U, False),
    H.IN_FORWARDED: ("forwarded externally", _X, True),
    H.IN_FORWARDED_ALL_BUSY: ("forwarded externally (all agents busy)", _X, True),
    H.IN_FORWARDED_NOBODY_ONLINE: ("forwarded externally (no agent online)", _X, True),
    H.OUT_NORMAL: ("normal", _X, True),
    H.OUT_AGENT_HUNG_UP: ("agent hung up", _A, True),
    H.OUT_USER_HUNG_UP: ("user hung up", _U, True),
    H.OUT_AGENT_CANCELLED: ("agent cancelled", _A, False),
    H.OUT_NETWORK: ("network", _X, False),
    H.OUT_AGENT_QUICK_HANGUP: ("agent quick hang-up", _A, True),
    H.OUT_USER_QUICK_HANGUP: ("user quick hang-up", _U, True),
    H.OUT_REJECTED: ("rejected", _U, False),
    H.OUT_TIMEOUT: ("timeout", _X, False),
    H.OUT_BLACKLISTED: ("blacklisted", _X, False),
    H.OUT_RESTRICTED_NUMBER: ("restricted number", _X, False),
    H.OUT_TRIAL_QUOTA: ("trial quota", _X, False),
    H.OUT_REFUSED: ("refused", _U, False),
    H.OUT_UNREACHABLE: ("unreachable", _X, False),
    H.OUT_BUSY: ("busy", _U, False),
    H.OUT_CALL_EXCEPTION: ("call exception", _X, False),
    H.OUT_CANNOT_CONNECT: ("cannot connect", _X, False),
    H.OUT_AGENT_CANCEL: ("agent cancel", _A, False),
    H.AICC_NORMAL: ("normal", _X, True),
    H.AICC_TRANSFERRED_AGENT_HUNG_UP: ("transferred, then agent hung up", _A, True),
    H.AICC_TRANSFERRED_USER_HUNG_UP: ("transferred, then user hung up", _U, True),
    H.AICC_TRANSFERRED_NETWORK: ("transferred, then network", _X, True),
    H.AICC_TRANSFER_FAILED: ("transfer failed", _X, True),
    H.AICC_TRANSFER_FAILED_NOBODY_ONLINE: ("transfer failed (no agent online)", _X, True),
    H.AICC_TRANSFER_FAILED_ALL_BUSY: ("transfer failed (all agents busy)", _X, True),
    H.AICC_TRANSFER_FAILED_QUEUE_TIMEOUT: ("transfer failed (queue timeout)", _X, True),
    H.AICC_TRANSFER_FAILED_QUEUE_TIMEOUT_ALL_BUSY: (
        "transfer failed (queue timeout, all agents busy)",
        _X,
        True,
    ),
    H.AICC_TRANSFER_FAILED_QUEUE_TIMEOUT_NOBODY_ONLINE: (
        "transfer failed (queue timeout, no agent online)",
        _X,
        True,
    ),
    H.AICC_TRANSFER_FAILED_USER_HUNG_UP: ("transfer failed (user hung up)", _U, True),
    H.AICC_NOT_CONNECTED: ("not connected", _X, False),
    H.AICC_REJECTED: ("rejected", _U, False),
}
del H

_MEMBERS: dict[int, HangupCode] = {int(member): member for member in HangupCode}
