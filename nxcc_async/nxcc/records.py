"""Typed, immutable NXCC records. Every vendor field is a snake_case attribute; see ``extra``.

Timestamps become timezone-aware UTC ``datetime`` (``None`` for 0/null). Numbers the enums do not
know are kept as plain ``int``. ``nxcc_async.dump(record)`` gives the vendor's JSON shape back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from nxcc_async._core.codecs import (
    COUNTRY_CODES,
    DECIMAL,
    EPOCH_MS,
    EPOCH_S,
    LOCAL_DATETIME,
    OPTIONAL_FLOAT,
    OPTIONAL_INT,
    STR_TUPLE,
    int_enum,
    mapped_enum,
)
from nxcc_async._core.converter import extra_field, register, wire
from nxcc_async.nxcc.enums import (
    AgentAccountStatus,
    CallDirection,
    HangupParty,
    NumberType,
    RingPolicy,
)
from nxcc_async.nxcc.hangup import HangupCode

_DIRECTION = mapped_enum({d.record_code: d for d in CallDirection}, lambda d: d.record_code)


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class Agent:
    """An agent account (``agent/page``). ``gmt_create``/``gmt_modified`` are naive datetimes in
    the server's zone, which the vendor does not document."""

    user_name: str = wire("")
    sip_number: str = wire("")
    nick_name: str | None = wire(None)
    status: AgentAccountStatus | int | None = wire(None, codec=int_enum(AgentAccountStatus))
    queue_name: tuple[str, ...] = wire((), codec=STR_TUPLE)
    allow_country: tuple[str, ...] = wire((), codec=COUNTRY_CODES)
    end_point_name: str | None = wire(None)
    enable_status_log: bool | None = wire(None)
    recording: bool = wire(False)
    recording_storage_days: int = wire(0)
    gmt_create: dt.datetime | None = wire(None, codec=LOCAL_DATETIME)
    gmt_modified: dt.datetime | None = wire(None, codec=LOCAL_DATETIME)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentStatus:
    """State durations of one agent over a time range, in seconds (``agent/status/info``).

    ``meeting``, ``eating``, ``wc``, ``sleep`` and ``other`` are rest sub-states."""

    user_name: str = wire("")
    sip_number: str = wire("")
    nick_name: str | None = wire(None)
    busy_duration: int = wire(0)
    wrapup_duration: int = wire(0)
    idle_duration: int = wire(0)
    calling_duration: int = wire(0)
    ringing_duration: int = wire(0)
    meeting_duration: int = wire(0)
    eating_duration: int = wire(0)
    wc_duration: int = wire(0)
    sleep_duration: int = wire(0)
    other_duration: int = wire(0)
    login_time_stamp: dt.datetime | None = wire(None, codec=EPOCH_S)
    logout_time_stamp: dt.datetime | None = wire(None, codec=EPOCH_S)
    extra: Mapping[str, Any] = extra_field()

    @property
    def rest_duration(self) -> int:
        """Seconds in any rest sub-state."""
        return (
            self.meeting_duration
            + self.eating_duration
            + self.wc_duration
            + self.sleep_duration
            + self.other_duration
        )


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class CallRecord:
    """One call detail record (``cdr/page``, ``cdr/queryByOrderId``).

    ``queue_duration`` is kept as the raw number: the vendor documents seconds but one example
    carries milliseconds. ``hangup_by`` contradicts its own examples; ``hangup_code`` is reliable,
    and ``hangup`` says what it means (``hangup.meaning``, ``hangup.party``).
    """

    call_id: str = wire()
    order_id: str | None = wire(None)
    direction: CallDirection | int | None = wire(None, codec=_DIRECTION)
    caller: str | None = wire(None)
    callee: str | None = wire(None)
    agent_name: str | None = wire(None)
    agent_nick_name: str | None = wire(None)
    answered: bool = wire(False)
    start_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    ring_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    answer_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    end_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    in_queue_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    out_queue_time: dt.datetime | None = wire(None, codec=EPOCH_MS)
    call_duration: int = wire(0)
    ring_duration: int = wire(0)
    queue_duration: int = wire(0)
    hangup_by: HangupParty | int | None = wire(None, codec=int_enum(HangupParty))
    hangup_code: int | None = wire(None, codec=OPTIONAL_INT)
    hangup_reason: str | None = wire(None)
    call_status: str | None = wire(None)
    dtmf_keys: str | None = wire(None)
    intent: str | None = wire(None)
    other: str | None = wire(None)
    task_id: str | None = wire(None)
    record_url: str | None = wire(None)
    leave_msg_url: str | None = wire(None)
    total_customer_price: Decimal | None = wire(None, codec=DECIMAL)
    line_ip: str | None = wire(None)
    media_ip: str | None = wire(None)
    term_sip_code: int | None = wire(None, codec=OPTIONAL_INT)
    hangup_cause: str | None = wire(None)
    mos: float | None = wire(None, codec=OPTIONAL_FLOAT)
    extra: Mapping[str, Any] = extra_field()

    @property
    def hangup(self) -> HangupCode | None:
        """What ``hangup_code`` means (``None`` when absent or not in the vendor's table)."""
        return HangupCode.lookup(self.hangup_code)

    @property
    def dtmf(self) -> list[str]:
        """The DTMF keys as a list (``dtmf_keys`` is comma-separated)."""
        return [key for key in (self.dtmf_keys or "").split(",") if key]


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentGroup:
    """An agent group, also called a queue (``agentGroup/page``)."""

    group_no: str = wire("")
    group_name: str = wire("")
    remark: str | None = wire(None)
    familiarize_first: bool = wire(False)
    ring_policy: RingPolicy | int | None = wire(None, codec=int_enum(RingPolicy))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class QueueMember:
    """A member of an agent group (``agentGroup/member/list``)."""

    sip_number: str = wire("")
    user_name: str = wire("")
    nick_name: str | None = wire(None)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class AgentEfficiency:
    """One row of agent efficiency statistics (``agent/efficiencyStatistical/page``).

    The vendor's full field list is not public: everything beyond these is in ``extra``."""

    agent_name: str | None = wire(None)
    agent_nick_name: str | None = wire(None)
    answer_count_in_five: int | None = wire(None, codec=OPTIONAL_INT)
    answer_count_in_ten: int | None = wire(None, codec=OPTIONAL_INT)
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class CallerNumber:
    """A caller-ID number an agent may use (``did/myUsefulNumber``)."""

    number: str = wire("")
    remark: str | None = wire(None)
    router_id: str | None = wire(None)
    router_name: str | None = wire(None)
    type: NumberType | int | None = wire(None, codec=int_enum(NumberType))
    extra: Mapping[str, Any] = extra_field()


@register
@attrs.frozen(kw_only=True, weakref_slot=False)
class DialTarget:
    """One number of an auto-dial task (``callList`` of ``ai/createandcall``)."""

    user_phone: str = wire()
    order_id: str | None = wire(None, name="orderID")
    other: str | None = wire(None)
