"""NXCC request bodies (validated before anything is sent) and response parsing: pure functions.

Each ``*_body`` function checks its arguments and returns the JSON body as a dict; each
``parse_*`` function turns a decoded envelope into records. No I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

from nxcc_async._core.converter import dump, load_list
from nxcc_async._core.page import Page
from nxcc_async._core.timeutil import TimeArg, check_range
from nxcc_async.nxcc.enums import AnsweredFilter, CallDirection, DispatchType, StartupType
from nxcc_async.nxcc.records import (
    Agent,
    AgentEfficiency,
    AgentGroup,
    AgentStatus,
    CallerNumber,
    CallRecord,
    DialTarget,
    QueueMember,
)

PREFIX: Final = "/saas/cc/openapi/"

AGENT_PAGE: Final = "agent/page"
AGENT_STATUS: Final = "agent/status/info"
AGENT_EFFICIENCY: Final = "agent/efficiencyStatistical/page"
GROUP_PAGE: Final = "agentGroup/page"
GROUP_MEMBERS: Final = "agentGroup/member/list"
GROUP_UPDATE: Final = "agentGroup/updateMembers"
CDR_PAGE: Final = "cdr/page"
CDR_BY_ORDER: Final = "cdr/queryByOrderId"
CREATE_AND_CALL: Final = "ai/createandcall"
CALLER_NUMBERS: Final = "did/myUsefulNumber"

AGENT_PAGE_MAX: Final = 200
CDR_PAGE_MAX: Final = 100
EFFICIENCY_PAGE_MAX: Final = 100

#: ``agent/status/info`` times: the table says long, the example sends strings. One switch.
STATUS_TIMES_AS_STRINGS: Final = False


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _optional_text(value: object, name: str) -> str | None:
    return None if value is None else _text(value, name)


def check_page(page: int, size: int, cap: int) -> None:
    """``page`` from 1, ``size`` from 1 to ``cap``."""
    if _int(page, "page") < 1:
        raise ValueError(f"page numbers start at 1, got {page}")
    if not 1 <= _int(size, "size") <= cap:
        raise ValueError(f"size must be between 1 and {cap}, got {size}")


def tenant(tenant_id: int | None, endpoint: str) -> int:
    """The tenant id an endpoint needs, or a clear error saying how to set it."""
    if tenant_id is None:
        raise ValueError(
            f"{endpoint} needs tenant_id: pass tenant_id= to the client or set NXCC_TENANT_ID"
        )
    return _int(tenant_id, "tenant_id")


def agent_page_body(tenant_id: int, page: int, size: int, user_name: str | None) -> dict[str, Any]:
    """Body of ``agent/page``."""
    check_page(page, size, AGENT_PAGE_MAX)
    body: dict[str, Any] = {"tenantId": tenant_id, "page": page, "size": size}
    if (name := _optional_text(user_name, "user_name")) is not None:
        body["userName"] = name
    return body


def agent_status_body(
    tenant_id: int, user_name: str, start: TimeArg, end: TimeArg
) -> dict[str, Any]:
    """Body of ``agent/status/info`` (times in Unix seconds)."""
    name = _text(user_name, "user_name")
    s, e = check_range(start, end)
    times: tuple[int | str, int | str] = (str(s), str(e)) if STATUS_TIMES_AS_STRINGS else (s, e)
    return {
        "tenantId": tenant_id,
        "userName": name,
        "startDateTime": times[0],
        "endDateTime": times[1],
    }


def update_members_body(tenant_id: int, queue_no: str, members: Sequence[str]) -> dict[str, Any]:
    """Body of ``agentGroup/updateMembers``: the group's complete new membership (SIP numbers)."""
    number = _text(queue_no, "queue_no")
    if isinstance(members, (str, bytes)) or not isinstance(members, Sequence):
        raise TypeError("members must be a list of SIP numbers, not a single string")
    if not members:
        raise ValueError("members must not be empty (the list is the group's new membership)")
    sip_numbers = [_text(m, "each member") for m in members]
    if len(set(sip_numbers)) != len(sip_numbers):
        raise ValueError("members lists a SIP number twice")
    return {"tenantId": tenant_id, "queueNo": number, "members": sip_numbers}


def _direction_code(direction: CallDirection | str | None) -> int | None:
    if direction is None:
        return None
    if isinstance(direction, str) and not isinstance(direction, CallDirection):
        try:
            direction = CallDirection(direction.lower())
        except ValueError:
            raise ValueError(
                f"direction must be one of {[d.value for d in CallDirection]}, not {direction!r}"
            ) from None
    if not isinstance(direction, CallDirection):
        raise TypeError(f"direction must be a CallDirection, not {type(direction).__name__}")
    return direction.filter_code


def _answered_code(answered: bool | AnsweredFilter | None) -> int | None:
    if answered is None:
        return None
    if isinstance(answered, bool):
        return int(AnsweredFilter.ANSWERED if answered else AnsweredFilter.UNANSWERED)
    if isinstance(answered, AnsweredFilter):
        return int(answered)
    raise TypeError(f"answered must be a bool or AnsweredFilter, not {type(answered).__name__}")


def cdr_filters(
    *,
    answered: bool | AnsweredFilter | None = None,
    direction: CallDirection | str | None = None,
    name: str | None = None,
    caller: str | None = None,
    callee: str | None = None,
    call_id: str | None = None,
    order_id: str | None = None,
) -> dict[str, Any]:
    """The optional filters of ``cdr/page`` in the request's numbering; unset ones left out."""
    raw: dict[str, Any] = {
        "answered": _answered_code(answered),
        "direction": _direction_code(direction),
        "name": _optional_text(name, "name"),
        "caller": _optional_text(caller, "caller"),
        "callee": _optional_text(callee, "callee"),
        "callId": _optional_text(call_id, "call_id"),
        "orderId": _optional_text(order_id, "order_id"),
    }
    return {k: v for k, v in raw.items() if v is not None}


def cdr_page_body(
    start_s: int, end_s: int, page: int, size: int, filters: Mapping[str, Any]
) -> dict[str, Any]:
    """Body of ``cdr/page`` for a range already checked (Unix seconds) and built filters."""
    check_page(page, size, CDR_PAGE_MAX)
    return {"startTime": start_s, "endTime": end_s, **filters, "page": page, "size": size}


def by_order_body(tenant_id: int, order_id: str) -> dict[str, Any]:
    """Body of ``cdr/queryByOrderId``."""
    return {"tenantId": tenant_id, "orderId": _text(order_id, "order_id")}


def group_page_body(tenant_id: int, page: int, size: int, queue_name: str | None) -> dict[str, Any]:
    """Body of ``agentGroup/page``."""
    check_page(page, size, AGENT_PAGE_MAX)
    body: dict[str, Any] = {"tenantId": tenant_id, "page": page, "size": size}
    if (name := _optional_text(queue_name, "queue_name")) is not None:
        body["queueName"] = name
    return body


def group_members_body(tenant_id: int, queue_no: str) -> dict[str, Any]:
    """Body of ``agentGroup/member/list``."""
    return {"tenantId": tenant_id, "queueNo": _text(queue_no, "queue_no")}


def _local_text(value: TimeArg, name: str) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        raise ValueError(f"{name} is a naive datetime; give it a timezone")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def efficiency_body(
    tenant_id: int,
    start: TimeArg,
    end: TimeArg,
    page: int,
    size: int,
    *,
    user_name: str | None,
    group_name: str | None,
    per_day: bool,
) -> dict[str, Any]:
    """Body of ``agent/efficiencyStatistical/page`` (times as UTC ``YYYY-MM-DD HH:MM:SS``)."""
    check_page(page, size, EFFICIENCY_PAGE_MAX)
    check_range(start, end)
    body: dict[str, Any] = {
        "tenantId": tenant_id,
        "staticalType": 1 if per_day else 0,
        "startDateTime": _local_text(start, "start"),
        "endDateTime": _local_text(end, "end"),
        "page": page,
        "size": size,
    }
    if (name := _optional_text(user_name, "user_name")) is not None:
        body["userName"] = name
    if (group := _optional_text(group_name, "group_name")) is not None:
        body["groupName"] = group
    return body


def create_and_call_body(
    *,
    country: str,
    task_name: str,
    agent_group_no: str,
    call_list: Sequence[DialTarget],
    task_desc: str | None,
    strategy_name: str | None,
    dispatch_type: DispatchType,
    startup_type: StartupType,
    predict_call_rate: float | None,
    ratio_call_rate: float | None,
    start_count: int | None,
) -> dict[str, Any]:
    """Body of ``ai/createandcall`` (note the vendor's ``orderID`` spelling in ``callList``)."""
    if not call_list:
        raise ValueError("call_list must not be empty")
    targets = []
    for target in call_list:
        if not isinstance(target, DialTarget):
            raise TypeError("call_list items must be DialTarget records")
        _text(target.user_phone, "user_phone")
        targets.append({k: v for k, v in dump(target).items() if v is not None})
    raw: dict[str, Any] = {
        "country": _text(country, "country"),
        "taskName": _text(task_name, "task_name"),
        "taskDesc": task_desc,
        "strategyName": strategy_name,
        "dispatchType": int(DispatchType(dispatch_type)),
        "agentGroupNo": _text(agent_group_no, "agent_group_no"),
        "predictCallRate": predict_call_rate,
        "ratioCallRate": ratio_call_rate,
        "startCount": start_count,
        "startupType": int(StartupType(startup_type)),
        "callList": targets,
    }
    return {k: v for k, v in raw.items() if v is not None}


def caller_numbers_body(tenant_id: int, sip_number: str) -> dict[str, Any]:
    """Body of ``did/myUsefulNumber``."""
    return {"tenantId": tenant_id, "sipNumber": _text(sip_number, "sip_number")}


def _total(envelope: Mapping[str, Any]) -> int | None:
    total = envelope.get("total")
    return None if total is None else int(total)


def parse_agent_page(envelope: Mapping[str, Any], page: int, size: int) -> Page[Agent]:
    """``agent/page`` answer -> a page of agents with ``total``."""
    items = load_list(Agent, envelope.get("data"))
    return Page(items=items, page=page, size=size, total=_total(envelope))


def parse_group_page(envelope: Mapping[str, Any], page: int, size: int) -> Page[AgentGroup]:
    """``agentGroup/page`` answer -> a page of agent groups with ``total``."""
    items = load_list(AgentGroup, envelope.get("data"))
    return Page(items=items, page=page, size=size, total=_total(envelope))


def parse_cdr_page(envelope: Mapping[str, Any], page: int, size: int) -> Page[CallRecord]:
    """``cdr/page`` answer -> a page of CDRs (no ``total``: the last page is a short one)."""
    return Page(items=load_list(CallRecord, envelope.get("data")), page=page, size=size)


def parse_efficiency_page(
    envelope: Mapping[str, Any], page: int, size: int
) -> Page[AgentEfficiency]:
    """``agent/efficiencyStatistical/page`` answer -> a page of rows with ``total``."""
    items = load_list(AgentEfficiency, envelope.get("data"))
    return Page(items=items, page=page, size=size, total=_total(envelope))


def parse_agent_status(envelope: Mapping[str, Any]) -> list[AgentStatus]:
    """``agent/status/info`` answer -> state durations (a list; one object is accepted too)."""
    return load_list(AgentStatus, envelope.get("data"))


def parse_cdrs(envelope: Mapping[str, Any]) -> list[CallRecord]:
    """``cdr/queryByOrderId`` answer -> CDRs."""
    return load_list(CallRecord, envelope.get("data"))


def parse_members(envelope: Mapping[str, Any]) -> list[QueueMember]:
    """``agentGroup/member/list`` answer -> members."""
    return load_list(QueueMember, envelope.get("data"))


def parse_caller_numbers(envelope: Mapping[str, Any]) -> list[CallerNumber]:
    """``did/myUsefulNumber`` answer -> caller-ID numbers."""
    return load_list(CallerNumber, envelope.get("data"))
