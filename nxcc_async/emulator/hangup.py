"""The CDR fields the emulator puts beside each hang-up code.

The codes, who hung up and whether the call was answered come from the library's table
(``nxcc_async.nxcc.hangup.HangupCode``: one table for both); the localized ``hangupReason``, the
``hangupCause`` and the ``termSipCode`` are the emulator's own. ``hangupBy`` follows the
documented mapping (0 agent, 1 user, 2 unknown); the vendor's own examples contradict it.
"""

from __future__ import annotations

from typing import Any

from nxcc_async.nxcc.hangup import HangupCode

# code: (hangupReason, hangupCause, termSipCode)
_TABLE: dict[int, tuple[str, str, int]] = {
    1000: ("正常挂机", "NORMAL_CLEARING", 200),
    1001: ("坐席挂机", "NORMAL_CLEARING", 200),
    1002: ("用户挂机", "NORMAL_CLEARING", 200),
    1003: ("语音留言", "NORMAL_CLEARING", 200),
    1004: ("网络异常", "RECOVERY_ON_TIMER_EXPIRE", 408),
    10031: ("语音留言(坐席全忙)", "NORMAL_CLEARING", 200),
    10032: ("语音留言(无坐席在线)", "NORMAL_CLEARING", 200),
    1101: ("坐席速挂", "NORMAL_CLEARING", 200),
    1102: ("用户速挂", "NORMAL_CLEARING", 200),
    1103: ("用户排队放弃", "ORIGINATOR_CANCEL", 487),
    11031: ("用户排队放弃(坐席全忙)", "ORIGINATOR_CANCEL", 487),
    11032: ("用户排队放弃(无坐席在线)", "ORIGINATOR_CANCEL", 487),
    1104: ("排队超时", "NO_ANSWER", 480),
    11041: ("排队超时(坐席全忙)", "NO_ANSWER", 480),
    11042: ("排队超时(无坐席在线)", "NO_ANSWER", 480),
    1105: ("无坐席在线", "NO_USER_RESPONSE", 480),
    1106: ("坐席全忙", "USER_BUSY", 486),
    1107: ("黑名单", "CALL_REJECTED", 403),
    1108: ("用户取消", "ORIGINATOR_CANCEL", 487),
    1109: ("转外线", "NORMAL_CLEARING", 200),
    1110: ("转外线(坐席全忙)", "NORMAL_CLEARING", 200),
    1111: ("转外线(无坐席在线)", "NORMAL_CLEARING", 200),
    2000: ("正常挂机", "NORMAL_CLEARING", 200),
    2001: ("坐席挂机", "NORMAL_CLEARING", 200),
    2002: ("用户挂机", "NORMAL_CLEARING", 200),
    2003: ("坐席取消", "ORIGINATOR_CANCEL", 487),
    2004: ("网络异常", "RECOVERY_ON_TIMER_EXPIRE", 408),
    2101: ("坐席速挂", "NORMAL_CLEARING", 200),
    2102: ("用户速挂", "NORMAL_CLEARING", 200),
    2103: ("用户拒接", "CALL_REJECTED", 603),
    2104: ("呼叫超时", "NO_ANSWER", 480),
    2105: ("黑名单", "CALL_REJECTED", 403),
    2106: ("受限号码", "CALL_REJECTED", 403),
    2107: ("试用额度用尽", "CALL_REJECTED", 402),
    2201: ("拒接", "CALL_REJECTED", 603),
    2202: ("无法接通", "UNALLOCATED_NUMBER", 404),
    2203: ("用户忙", "USER_BUSY", 486),
    2204: ("呼叫异常", "NORMAL_TEMPORARY_FAILURE", 503),
    2205: ("无法连接", "NETWORK_OUT_OF_ORDER", 502),
    2206: ("坐席取消", "ORIGINATOR_CANCEL", 487),
    3000: ("正常挂机", "NORMAL_CLEARING", 200),
    3001: ("转人工后坐席挂机", "NORMAL_CLEARING", 200),
    3002: ("转人工后用户挂机", "NORMAL_CLEARING", 200),
    3003: ("转人工后网络异常", "RECOVERY_ON_TIMER_EXPIRE", 200),
    3101: ("转人工失败", "NORMAL_CLEARING", 200),
    3102: ("转人工失败(无坐席在线)", "NORMAL_CLEARING", 200),
    3103: ("转人工失败(坐席全忙)", "NORMAL_CLEARING", 200),
    3104: ("转人工失败(排队超时)", "NORMAL_CLEARING", 200),
    31041: ("转人工失败(排队超时,坐席全忙)", "NORMAL_CLEARING", 200),
    31042: ("转人工失败(排队超时,无坐席在线)", "NORMAL_CLEARING", 200),
    3105: ("转人工失败(用户挂机)", "NORMAL_CLEARING", 200),
    3106: ("未接通", "NO_ANSWER", 480),
    3107: ("用户拒接", "CALL_REJECTED", 603),
}

#: Codes that mean a voicemail was left (the CDR gets a ``leaveMsgUrl``).
VOICEMAIL = frozenset({1003, 10031, 10032})
#: Quick hang-ups: answered, a few seconds of talk.
QUICK = frozenset({1101, 1102, 2101, 2102})
#: Codes where an agent took part in the call (the CDR names the agent).
WITH_AGENT = frozenset(
    {1000, 1001, 1002, 1004, 1101, 1102, 1109, 1110, 1111}
    | {c for c in _TABLE if 2000 <= c < 3000}
    | {3001, 3002, 3003}
)


def _weighted(*pairs: tuple[int, int]) -> tuple[int, ...]:
    return tuple(code for code, weight in pairs for _ in range(weight))


#: Code choices per (record direction, answered), repeated by weight; one ``choice`` picks one.
CHOICES: dict[tuple[int, bool], tuple[int, ...]] = {
    (0, True): _weighted((1000, 4), (1001, 8), (1002, 10), (1101, 1), (1102, 1), (1109, 1)),
    (0, False): _weighted(
        (1003, 2), (10031, 1), (10032, 1), (1004, 1), (1103, 4), (11031, 1), (11032, 1),
        (1104, 2), (11041, 1), (11042, 1), (1105, 1), (1106, 2), (1107, 1), (1108, 3),
    ),
    (1, True): _weighted((2000, 4), (2001, 8), (2002, 10), (2101, 1), (2102, 1)),
    (1, False): _weighted(
        (2003, 2), (2004, 1), (2103, 3), (2104, 4), (2105, 1), (2106, 1), (2107, 1),
        (2201, 2), (2202, 2), (2203, 3), (2204, 1), (2205, 1), (2206, 1),
    ),
    (2, True): _weighted(
        (3000, 12), (3001, 3), (3002, 3), (3003, 1), (3101, 1), (3102, 1), (3103, 1),
        (3104, 1), (31041, 1), (31042, 1), (3105, 1),
    ),
    (2, False): _weighted((3106, 3), (3107, 1)),
}  # fmt: skip


if set(_TABLE) != set(HangupCode):  # pragma: no cover - a code added on one side only
    raise RuntimeError("the emulator's hang-up table and HangupCode disagree")


def fields(code: int) -> dict[str, Any]:
    """The CDR fields fixed by a hang-up code (a fresh dict)."""
    reason, cause, sip = _TABLE[code]
    answered = HangupCode(code).answered
    return {
        "hangupCode": code,
        "hangupBy": int(HangupCode(code).party),
        "hangupReason": reason,
        "callStatus": "已接通" if answered else "未接通",
        "hangupCause": cause,
        "termSipCode": sip,
    }


#: The precomputed ``fields`` of every code (copy before changing).
FIELDS: dict[int, dict[str, Any]] = {code: fields(code) for code in _TABLE}


def answered(code: int) -> bool:
    """Whether a call with this code was answered."""
    return HangupCode(code).answered
