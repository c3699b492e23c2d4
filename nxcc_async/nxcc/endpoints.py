"""NXCC operations as values, and the checked request fields of each: pure, no I/O.

Every operation is one :class:`NXCCEndpoint` (path, parser, page cap, idempotency, whether the
body carries the tenant id). The ``*_fields`` functions check a method's arguments and return the
fields to send, before anything is sent; the client adds ``tenantId`` and the page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
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
from nxcc_async.nxcc.typed import quick_pages, quick_rows

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


def listing(path: str, record: type[T]) -> NXCCEndpoint[list[T]]:
    """An operation answering a list of ``record``: :func:`rows`, tried on the typed path
    first (:func:`~nxcc_async.nxcc.typed.quick_rows`)."""
    return NXCCEndpoint(path=path, parse=rows(record), quick=quick_rows(record))


def paged(
    path: str, record: type[T], *, page_cap: int, total: bool = True, tenant: bool = True
) -> NXCCEndpoint[Page[T]]:
    """A paged operation of ``record``: :func:`pages`, tried on the typed path first
    (:func:`~nxcc_async.nxcc.typed.quick_pages`)."""
    return NXCCEndpoint(
        path=path,
        parse=pages(record, total=total),
        quick=quick_pages(record, total=total),
        page_cap=page_cap,
        tenant=tenant,
    )


AGENT_PAGE: Final = paged("agent/page", Agent, page_cap=AGENT_PAGE_MAX)
AGENT_STATUS: Final = listing("agent/status/info", AgentStatus)
AGENT_EFFICIENCY: Final = paged(
    "agent/efficiencyStatistical/page", AgentEfficiency, page_cap=EFFICIENCY_PAGE_MAX
)
GROUP_PAGE: Final = paged("agentGroup/page", AgentGroup, page_cap=AGENT_PAGE_MAX)
GROUP_MEMBERS: Final = listing("agentGroup/member/list", QueueMember)
GROUP_UPDATE: Final = NXCCEndpoint(path="agentGroup/updateMembers", parse=nothing)
CDR_PAGE: Final = paged("cdr/page", CallRecord, page_cap=CDR_PAGE_MAX, total=False, tenant=False)
CDR_BY_ORDER: Final = listing("cdr/queryByOrderId", CallRecord)
CREATE_AND_CALL: Final = NXCCEndpoint(
    path="ai/createandcall", parse=nothing, idempotent=False, tenant=False
)
CALLER_NUMBERS: Final = listing("did/myUsefulNumber", CallerNumber)


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


def members_fields(
    queue_no: str, members: Sequence[str], *, allow_empty: bool = False
) -> dict[str, Any]:
    """``agentGroup/updateMembers``: the group's complete new membership (SIP numbers). An
    empty list empties the group, so it is refused unless ``allow_empty`` says so."""
    number = check_text(queue_no, "queue_no")
    if isinstance(members, (str, bytes)) or not isinstance(members, Sequence):
        raise TypeError("members must be a list of SIP numbers, not a single string")
    if not isinstance(allow_empty, bool):
        raise TypeError("allow_empty must be a bool")
    if not members and not allow_empty:
        raise ValueError(
            "members is empty: that removes every member of the group; "
            "pass allow_empty=True to empty it on purpose"
        )
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


#: The zone of ``agent/efficiencyStatistical/page`` date strings unless one is given.
EFFICIENCY_DEFAULT_TZ: Final = dt.timezone.utc


def zone(tz: dt.tzinfo | str) -> dt.tzinfo:
    """A ``tzinfo``, or an IANA name (``"Asia/Shanghai"``) made one."""
    if isinstance(tz, dt.tzinfo):
        return tz
    if not isinstance(tz, str):
        raise TypeError(f"tz must be a tzinfo or an IANA zone name, not {type(tz).__name__}")
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {tz!r}; use an IANA name such as 'Asia/Shanghai'"
        ) from None


def _local_text(value: TimeArg, tz: dt.tzinfo) -> str:
    moment = (
        value
        if isinstance(value, dt.datetime)
        else dt.datetime.fromtimestamp(value, dt.timezone.utc)
    )
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def efficiency_fields(
    start: TimeArg,
    end: TimeArg,
    *,
    user_name: str | None,
    group_name: str | None,
    per_day: bool,
    tz: dt.tzinfo | str = EFFICIENCY_DEFAULT_TZ,
) -> dict[str, Any]:
    """``agent/efficiencyStatistical/page``: ``staticalType`` (1 per day, 0 total) and the times
    as ``YYYY-MM-DD HH:MM:SS`` wall-clock strings in ``tz`` (the account's zone; default UTC),
    so that per-day rows cut days where the account does."""
    check_range(start, end)
    if not isinstance(per_day, bool):
        raise TypeError("per_day must be a bool")
    where = zone(tz)
    fields: dict[str, Any] = {
        "staticalType": 1 if per_day else 0,
        "startDateTime": _local_text(start, where),
        "endDateTime": _local_text(end, where),
    }
    _set(fields, "userName", optional_text(user_name, "user_name"))
    return _set(fields, "groupName", optional_text(group_name, "group_name"))


#: Rates of ``ai/createandcall``: the docs give no range; this bound catches typos (1000 for 1.0).
RATE_MAX: Final = 100.0
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_PHONE = re.compile(r"[0-9]{6,15}")


def _rate(value: object, name: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or not 0 <= value <= RATE_MAX:
        raise ValueError(f"{name} must be a number from 0 to {RATE_MAX:g}, got {value!r}")
    return value


def _country(value: object) -> str:
    code = check_text(value, "country")
    if not _COUNTRY.fullmatch(code):
        raise ValueError(f"country must be a 2-letter ISO 3166 code such as 'SG', not {code!r}")
    return code.upper()


def _targets(call_list: Sequence[DialTarget]) -> list[dict[str, Any]]:
    if isinstance(call_list, (str, bytes)) or not isinstance(call_list, Sequence):
        raise TypeError("call_list must be a list of DialTarget records")
    if not call_list:
        raise ValueError("call_list must not be empty")
    targets, orders = [], set()
    for target in call_list:
        if not isinstance(target, DialTarget):
            raise TypeError("call_list items must be DialTarget records")
        phone = check_text(target.user_phone, "user_phone")
        if not _PHONE.fullmatch(phone):
            raise ValueError(
                f"user_phone must be 6 to 15 digits with the country code, no '+' or spaces: "
                f"{phone!r}"
            )
        if target.order_id is not None:
            order = check_text(target.order_id, "order_id")
            if order in orders:
                raise ValueError(f"order_id {order!r} appears twice in call_list")
            orders.add(order)
        targets.append({k: v for k, v in dump(target).items() if v is not None})
    return targets


def create_and_call_fields(
    *,
    country: str,
    task_name: str,
    agent_group_no: str,
    call_list: Sequence[DialTarget],
    task_desc: str | None,
    strategy_name: str,
    dispatch_type: DispatchType,
    startup_type: StartupType,
    predict_call_rate: float,
    ratio_call_rate: float,
    start_count: int,
) -> dict[str, Any]:
    """``ai/createandcall``, every documented rule checked before sending (the call is not
    idempotent): ``strategyName``, ``predictCallRate``, ``ratioCallRate`` and ``startCount``
    required; rates numbers from 0 to 100; ``country`` a 2-letter code (sent upper-case);
    phone numbers 6-15 digits; ``orderID`` unique within the list (note the vendor's
    spelling)."""
    raw: dict[str, Any] = {
        "country": _country(country),
        "taskName": check_text(task_name, "task_name"),
        "taskDesc": optional_text(task_desc, "task_desc"),
        "strategyName": check_text(strategy_name, "strategy_name"),
        "dispatchType": int(DispatchType(dispatch_type)),
        "agentGroupNo": check_text(agent_group_no, "agent_group_no"),
        "predictCallRate": _rate(predict_call_rate, "predict_call_rate"),
        "ratioCallRate": _rate(ratio_call_rate, "ratio_call_rate"),
        "startCount": in_range(start_count, "start_count", 0, None),
        "startupType": int(StartupType(startup_type)),
        "callList": _targets(call_list),
    }
    return {k: v for k, v in raw.items() if v is not None}


def caller_numbers_fields(sip_number: str) -> dict[str, Any]:
    """``did/myUsefulNumber``: one agent's SIP number."""
    return {"sipNumber": check_text(sip_number, "sip_number")}
