"""The generated loader's fast paths give the same records as the per-key path: lazy times and
money, the all-keys-present path, the unknown-key scan and the inline codecs."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import attrs
import orjson
import pytest

from nxcc_async._core import codecs
from nxcc_async._core.converter import camel, converter, dump, load
from nxcc_async._core.lazy import LazyField, raw_reader
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.nxcc.enums import CallDirection, HangupParty
from nxcc_async.nxcc.records import AgentStatus, CallRecord

UTC = dt.timezone.utc
START_MS = 1_735_689_805_887
FULL: dict[str, Any] = {
    "agentName": "a@example.com",
    "agentNickName": None,
    "answered": True,
    "answerTime": START_MS + 9_000,
    "callDuration": 5,
    "callee": "15550001",
    "caller": 15550002,  # a number where text belongs: made text
    "callId": "c-1",
    "orderId": None,
    "direction": 1,
    "dtmfKeys": "1,2",
    "endTime": START_MS + 14_000,
    "hangupCode": 2002,
    "hangupBy": 1,
    "hangupReason": "user",
    "callStatus": "done",
    "hangupCause": "NORMAL_CLEARING",
    "termSipCode": 200,
    "inQueueTime": 0,
    "outQueueTime": 0,
    "leaveMsgUrl": None,
    "other": None,
    "intent": None,
    "queueDuration": 0,
    "recordUrl": None,
    "ringDuration": 6,
    "ringTime": START_MS + 2_000,
    "startTime": START_MS,
    "taskId": None,
    "totalCustomerPrice": 0.018,
    "lineIp": "10.0.0.1",
    "mediaIp": "10.0.0.2",
    "mos": 3.9,
}
TIMES = ("start_time", "ring_time", "answer_time", "end_time", "in_queue_time", "out_queue_time")


def eager(obj: dict[str, Any]) -> CallRecord:
    """The same record built independently: each value through its codec or the converter's
    hook for its type, then the constructor (no generated code, nothing lazy)."""
    kwargs: dict[str, Any] = {}
    for f in attrs.fields(CallRecord):
        wire = f.metadata.get("wire") or camel(f.name)
        if f.metadata.get("extra") or wire not in obj:
            continue
        codec = f.metadata.get("codec")
        value = obj[wire]
        kwargs[f.name] = (
            codec.load(value) if codec else converter.get_structure_hook(f.type)(value, f.type)
        )
    return CallRecord(**kwargs, extra={k: v for k, v in obj.items() if k not in WIRE_NAMES})


WIRE_NAMES = {
    f.metadata.get("wire") or camel(f.name)
    for f in attrs.fields(CallRecord)
    if not f.metadata.get("extra")
}


def test_full_object_takes_the_fast_path_and_keeps_raw_times_until_read() -> None:
    record = load(CallRecord, FULL)
    read_start = raw_reader(CallRecord, "start_time")
    assert read_start(record) == START_MS  # raw in the slot
    assert record.start_time == dt.datetime.fromtimestamp(START_MS / 1000, UTC)
    assert read_start(record) == record.start_time  # converted once, kept
    assert record.in_queue_time is None  # 0 is "no time", converted while loading
    assert record.total_customer_price == Decimal("0.018")
    assert record.caller == "15550002"
    assert record.direction is CallDirection.OUTBOUND
    assert record.hangup_by is HangupParty.USER
    assert record.extra == {}


def test_lazy_record_equals_hashes_pickles_and_evolves_like_an_eager_one() -> None:
    lazy, other = load(CallRecord, FULL), load(CallRecord, FULL)
    built = eager(FULL)
    assert lazy == built
    assert hash(other) == hash(built)
    assert pickle.loads(pickle.dumps(load(CallRecord, FULL))) == built
    assert copy.copy(load(CallRecord, FULL)) == built
    assert attrs.evolve(load(CallRecord, FULL), call_id="c-2").start_time == built.start_time
    assert repr(load(CallRecord, FULL)) == repr(built)
    assert attrs.asdict(load(CallRecord, FULL)) == attrs.asdict(built)


def test_dump_gives_back_raw_values_without_converting() -> None:
    record = load(CallRecord, FULL)
    out = dump(record)
    assert out["startTime"] == START_MS
    assert out["totalCustomerPrice"] == 0.018
    assert raw_reader(CallRecord, "start_time")(record) == START_MS  # still lazy
    assert out == dump(eager(FULL))
    assert orjson.loads(orjson.dumps(out))["caller"] == "15550002"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, None),
        (None, None),
        (float(START_MS), dt.datetime.fromtimestamp(START_MS / 1000, UTC)),
        (str(START_MS), dt.datetime.fromtimestamp(START_MS / 1000, UTC)),  # digits as text
        ("", None),
    ],
)
def test_values_the_lazy_rule_does_not_vouch_for_are_converted_while_loading(
    value: Any, expected: dt.datetime | None
) -> None:
    obj = {**FULL, "startTime": value}
    record = load(CallRecord, obj)
    assert raw_reader(CallRecord, "start_time")(record) == expected


@pytest.mark.parametrize("value", [10**16, -(10**16), float("nan"), float("inf")])
def test_times_no_datetime_can_hold_fail_while_loading_not_on_first_read(value: Any) -> None:
    with pytest.raises((ValueError, OverflowError)):
        load(CallRecord, {**FULL, "startTime": value})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_money_fails_while_loading(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        load(CallRecord, {**FULL, "totalCustomerPrice": value})


def test_integer_money_and_text_money_are_converted_while_loading() -> None:
    assert load(CallRecord, {**FULL, "totalCustomerPrice": 2}).total_customer_price == 2
    price = load(CallRecord, {**FULL, "totalCustomerPrice": " 0.10 "}).total_customer_price
    assert str(price) == "0.10"


def test_constructor_values_are_kept_as_given() -> None:
    when = dt.datetime(2025, 1, 1, tzinfo=UTC)
    record = CallRecord(call_id="x", start_time=when, total_customer_price=Decimal("1.50"))
    assert record.start_time is when
    assert str(record.total_customer_price) == "1.50"
    assert isinstance(CallRecord.__dict__["start_time"], LazyField)


def test_extra_keys_are_found_when_the_key_count_says_so() -> None:
    record = load(CallRecord, {**FULL, "newField": [1], "other2": None})
    assert record.extra == {"newField": [1], "other2": None}


def test_a_missing_key_and_an_unknown_one_with_the_same_count_take_the_per_key_path() -> None:
    obj = {k: v for k, v in FULL.items() if k != "mos"} | {"surprise": 1}
    assert len(obj) == len(FULL)
    record = load(CallRecord, obj)
    assert record.mos is None
    assert record.extra == {"surprise": 1}
    assert record == attrs.evolve(load(CallRecord, {**FULL, "surprise": 1}), mos=None)


def test_odd_enum_and_number_values_still_take_their_codecs() -> None:
    record = load(CallRecord, {**FULL, "direction": "1", "hangupBy": 9, "termSipCode": "486"})
    assert record.direction is CallDirection.OUTBOUND
    assert record.hangup_by == 9
    assert record.term_sip_code == 486
    assert load(CallRecord, {**FULL, "mos": 4}).mos == 4.0
    with pytest.raises(ValueError, match="integer"):
        load(CallRecord, {**FULL, "direction": 1.5})


def test_epoch_seconds_fields_are_lazy_too() -> None:
    record = load(AgentStatus, {"userName": "a", "loginTimeStamp": 1_700_000_000})
    assert raw_reader(AgentStatus, "login_time_stamp")(record) == 1_700_000_000
    assert record.login_time_stamp == dt.datetime.fromtimestamp(1_700_000_000, UTC)
    assert dump(record)["loginTimeStamp"] == 1_700_000_000


def test_every_emulator_record_round_trips_through_both_paths() -> None:
    data = EmulatorData(seed=7, tenant_id="t", cdrs_per_day=2_000, cache_records=5_000)
    for obj in data.cdr_list(1_735_689_600, 1_735_689_600 + 86_399)[:500]:
        fast = load(CallRecord, dict(obj))
        assert fast == eager(dict(obj))
        assert dump(fast) == dump(eager(dict(obj)))
    assert codecs.EPOCH_MS.lazy is not None
    assert codecs.DECIMAL.lazy is not None


def test_records_are_built_on_a_twin_and_come_out_as_the_record_class() -> None:
    record = load(CallRecord, FULL)
    assert type(record) is CallRecord
    assert getattr(converter.get_structure_hook(CallRecord), "__globals__", {})["TWIN"] is not None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.call_id = "changed"  # type: ignore[misc]
    lacking = {k: v for k, v in FULL.items() if k != "mos"}  # the per-key path, on the twin too
    assert type(load(CallRecord, lacking)) is CallRecord
    assert load(CallRecord, lacking) == attrs.evolve(eager(FULL), mos=None)


def test_a_value_its_codec_refuses_fails_on_both_paths_of_the_twin() -> None:
    bad = {**FULL, "totalCustomerPrice": "not money"}
    with pytest.raises(ValueError, match="not a decimal number"):
        load(CallRecord, bad)
    with pytest.raises(ValueError, match="not a decimal number"):
        load(CallRecord, {k: v for k, v in bad.items() if k != "mos"})  # the per-key path


@attrs.frozen(kw_only=True)  # attrs' default __weakref__ slot: no twin, slots set one by one
class _WithWeakref:
    call_id: str = attrs.field(metadata={"wire": "callId"})
    start_time: dt.datetime | None = attrs.field(
        default=None, metadata={"wire": "startTime", "codec": codecs.EPOCH_MS}
    )
    extra: dict[str, Any] = attrs.field(factory=dict, metadata={"extra": True})


@attrs.frozen(kw_only=True, weakref_slot=False)
class _Base:
    call_id: str = attrs.field(metadata={"wire": "callId"})


@attrs.frozen(kw_only=True, weakref_slot=False)  # a base other than object: no twin either
class _Derived(_Base):
    answered: bool = attrs.field(default=False, metadata={"wire": "answered"})


@pytest.mark.parametrize("cls", [_WithWeakref, _Derived])
def test_classes_without_a_twin_load_the_same_through_slot_descriptors(cls: type[Any]) -> None:
    from nxcc_async._core.converter import register

    register(cls)
    assert converter.get_structure_hook(cls).__globals__["TWIN"] is None
    obj = {"callId": "c-9", "startTime": START_MS, "answered": True, "odd": 1}
    record = load(cls, obj)
    assert type(record) is cls
    assert record.call_id == "c-9"
    if cls is _WithWeakref:
        assert record.start_time == dt.datetime.fromtimestamp(START_MS / 1000, UTC)
        assert record.extra == {"odd": 1, "answered": True}
    else:
        assert record.answered is True


def test_enum_codes_stay_raw_until_read_and_dump_back_as_sent() -> None:
    record = load(CallRecord, {**FULL, "direction": 2})
    read_direction = raw_reader(CallRecord, "direction")
    assert read_direction(record) == 2  # the vendor's number, not looked up yet
    assert dump(record)["direction"] == 2
    assert dump(record)["hangupBy"] == 1
    assert record.direction is CallDirection.AICC
    assert read_direction(record) is CallDirection.AICC  # looked up once, kept
    assert dump(record)["direction"] == 2  # the member numbered back the same
    unknown = load(CallRecord, {**FULL, "hangupBy": 9})
    assert type(unknown.hangup_by) is int
    assert unknown.hangup_by == 9
    assert unknown == eager({**FULL, "hangupBy": 9})
    assert load(CallRecord, {**FULL, "hangupBy": True}).hangup_by is HangupParty.USER
