"""NXCC operations as values, and the checked request fields of each: pure, no I/O.

Every operation is one :class:`NXCCEndpoint` (path, parser, page cap, idempotency, whether the
body carries the tenant id). The ``*_fields`` functions check a method's arguments and return the
fields to send, before anything is sent; the client adds ``tenantId`` and the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs

from nxcc_async._core.converter import dump, load_list
from nxcc_async._core.endpoint import (
    Endpoint,
    check_int,
    check_text,
    in_range,
    optional_text,
)
from nxcc_async._core.page import Page
from nxcc_async._core.timeutil import TimeArg, check_range
from nxcc_async.nxcc.cdr_filters import filter_fields
from nxcc_async.nxcc.enums import DispatchType, StartupType
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

T = TypeVar("T")
R = TypeVar("R")

PREFIX: Final = "/saas/cc/openapi/"

#: ``agent/status/info`` times: the table says long, the example sends strings. One switch.
STATUS_TIMES_AS_STRINGS: Final = False


@attrs.frozen(kw_only=True)
class NXCCEndpoint(Endpoint[R]):
    """An NXCC operation; ``tenant``: its body carries ``tenantId`` (every one but a few)."""

    prefix: str = PREFIX
    tenant: bool = True

    def at(self, fields: Mapping[str, Any], page: int, size: int) -> dict[str, Any]:
        """``fields`` with ``page`` (from 1) and ``size`` (1 to the page cap), checked."""
        if self.page_cap is None:
            raise TypeError(f"{self.path} is not paged")
        in_range(page, "page", 1, None)
        in_range(size, "size", 1, self.page_cap)
        return {**fields, "page": page, "size": size}


def _total(envelope: Mapping[str, Any]) -> int | None:
    total = envelope.get("total")
    return None if total is None else int(total)


def rows(record: type[T]) -> Callable[[Any, Mapping[str, Any]], list[T]]:
    """Parser of an answer whose ``data`` is a list of ``record`` (one object is taken too)."""
    return lambda envelope, _: load_list(record, envelope.get("data"))


def pages(record: type[T], *, total: bool = True) -> Callable[[Any, Mapping[str, Any]], Page[T]]:
    """Parser of one page of ``record``; ``total`` when the answer reports one."""

    def parse(envelope: Any, fields: Mapping[str, Any]) -> Page[T]:
        return Page(
            items=load_list(record, envelope.get("data")),
            page=fields["page"],
            size=fields["size"],
            total=_total(envelope) if total else None,
        )

    return parse


def nothing(envelope: Any, fields: Mapping[str, Any]) -> None:
    """Parser of an answer that carries no result."""


def envelope_of(envelope: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Parser that keeps the whole envelope (the raw door, ``client.call``)."""
    result: dict[str, Any] = envelope
    return result


AGENT_PAGE_MAX: Final = 200
CDR_PAGE_MAX: Final = 100
EFFICIENCY_PAGE_MAX: Final = 100


AGENT_PAGE: Final = NXCCEndpoint(path="agent/page", parse=pages(Agent), page_cap=AGENT_PAGE_MAX)
AGENT_STATUS: Final = NXCCEndpoint(path="agent/status/info", parse=rows(AgentStatus))
AGENT_EFFICIENCY: Final = NXCCEndpoint(
    path="agent/efficiencyStatistical/page",
    parse=pages(AgentEfficiency),
    page_cap=EFFICIENCY_PAGE_MAX,
)
GROUP_PAGE: Final = NXCCEndpoint(
    path="agentGroup/page", parse=pages(AgentGroup), page_cap=AGENT_PAGE_MAX
)
GROUP_MEMBERS: Final = NXCCEndpoint(path="agentGroup/member/list", parse=rows(QueueMember))
GROUP_UPDATE: Final = NXCCEndpoint(path="agentGroup/updateMembers", parse=nothing)
CDR_PAGE: Final = NXCCEndpoint(
    path="cdr/page", parse=pages(CallRecord, total=False), page_cap=CDR_PAGE_MAX, tenant=False
)
CDR_BY_ORDER: Final = NXCCEndpoint(path="cdr/queryByOrderId", parse=rows(CallRecord))
CREATE_AND_CALL: Final = NXCCEndpoint(
    path="ai/createandcall", parse=nothing, idempotent=False, tenant=False
)
CALLER_NUMBERS: Final = NXCCEndpoint(path="did/myUsefulNumber", parse=rows(CallerNumber))


def tenant(tenant_id: int | None, endpoint: str) -> int:
    """The tenant id an endpoint needs, or a clear error saying how to set it."""
    if tenant_id is None:
        raise ValueError(
            f"{endpoint} needs tenant_id: pass tenant_id= to the client or set NXCC_TENANT_ID"
        )
    return check_int(tenant_id, "tenant_id")


def _set(fields: dict[str, Any], wire: str, value: Any) -> dict[str, Any]:
    if value is not None:
        fields[wire] = value
    return fields


def agent_fields(user_name: str | None) -> dict[str, Any]:
    """``agent/page``: the optional ``userName``."""
    return _set({}, "userName", optional_text(user_name, "user_name"))


def group_fields(queue_name: str | None) -> dict[str, Any]:
    """``agentGroup/page``: the optional ``queueName``."""
    return _set({}, "queueName", optional_text(queue_name, "queue_name"))


def status_fields(user_name: str, start: TimeArg, end: TimeArg) -> dict[str, Any]:
    """``agent/status/info``: an agent and a range (Unix seconds)."""
    name = check_text(user_name, "user_name")
    s, e = check_range(start, end)
    times: tuple[int | str, int | str] = (str(s), str(e)) if STATUS_TIMES_AS_STRINGS else (s, e)
    return {"userName": name, "startDateTime": times[0], "endDateTime": times[1]}


def queue_fields(queue_no: str) -> dict[str, Any]:
    """``agentGroup/member/list``: one group."""
    return {"queueNo": check_text(queue_no, "queue_no")}


def members_fields(queue_no: str, members: Sequence[str]) -> dict[str, Any]:
    """``agentGroup/updateMembers``: the group's complete new membership (SIP numbers)."""
    number = check_text(queue_no, "queue_no")
    if isinstance(members, (str, bytes)) or not isinstance(members, Sequence):
        raise TypeError("members must be a list of SIP numbers, not a single string")
    if not members:
        raise ValueError("members must not be empty (the list is the group's new membership)")
    sip_numbers = [check_text(m, "each member") for m in members]
    if len(set(sip_numbers)) != len(sip_numbers):
        raise ValueError("members lists a SIP number twice")
    return {"queueNo": number, "members": sip_numbers}


def cdr_fields(start: TimeArg, end: TimeArg, filters: Mapping[str, Any]) -> dict[str, Any]:
    """``cdr/page``: the range (Unix seconds) and the set filters, paging not included."""
    start_s, end_s = check_range(start, end)
    return {"startTime": start_s, "endTime": end_s, **filter_fields(filters)}


def order_fields(order_id: str) -> dict[str, Any]:
    """``cdr/queryByOrderId``: one order."""
    return {"orderId": check_text(order_id, "order_id")}


def _utc_text(value: TimeArg, name: str) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        raise ValueError(f"{name} is a naive datetime; give it a timezone")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def efficiency_fields(
    start: TimeArg,
    end: TimeArg,
    *,
    user_name: str | None,
    group_name: str | None,
    per_day: bool,
) -> dict[str, Any]:
    """``agent/efficiencyStatistical/page`` (times as UTC ``YYYY-MM-DD HH:MM:SS``)."""
    check_range(start, end)
    fields: dict[str, Any] = {
        "staticalType": 1 if per_day else 0,
        "startDateTime": _utc_text(start, "start"),
        "endDateTime": _utc_text(end, "end"),
    }
    _set(fields, "userName", optional_text(user_name, "user_name"))
    return _set(fields, "groupName", optional_text(group_name, "group_name"))


def create_and_call_fields(
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
    """``ai/createandcall`` (note the vendor's ``orderID`` spelling in ``callList``)."""
    if not call_list:
        raise ValueError("call_list must not be empty")
    targets = []
    for target in call_list:
        if not isinstance(target, DialTarget):
            raise TypeError("call_list items must be DialTarget records")
        check_text(target.user_phone, "user_phone")
        targets.append({k: v for k, v in dump(target).items() if v is not None})
    raw: dict[str, Any] = {
        "country": check_text(country, "country"),
        "taskName": check_text(task_name, "task_name"),
        "taskDesc": task_desc,
        "strategyName": strategy_name,
        "dispatchType": int(DispatchType(dispatch_type)),
        "agentGroupNo": check_text(agent_group_no, "agent_group_no"),
        "predictCallRate": predict_call_rate,
        "ratioCallRate": ratio_call_rate,
        "startCount": start_count,
        "startupType": int(StartupType(startup_type)),
        "callList": targets,
    }
    return {k: v for k, v in raw.items() if v is not None}


def caller_numbers_fields(sip_number: str) -> dict[str, Any]:
    """``did/myUsefulNumber``: one agent's SIP number."""
    return {"sipNumber": check_text(sip_number, "sip_number")}
