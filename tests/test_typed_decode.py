"""The typed decoder (msgspec, straight from the answer's bytes) gives exactly the generic path's
records, slot for slot, or gives the answer up to it; after repeated misses it steps aside and
comes back; error answers are no misses; and the client takes it for every page of a harvest."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

import attrs
import msgspec
import orjson
import pytest
from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nxcc_async import APIError, AsyncNXCC
from nxcc_async._core import lazy, typed
from nxcc_async._core.channel import SHAPE_ERRORS
from nxcc_async._core.converter import dump, load_list, plan_of
from nxcc_async.emulator import Emulator
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.nxcc import endpoints
from nxcc_async.nxcc import typed as nxcc_typed
from nxcc_async.nxcc.records import (
    Agent,
    AgentEfficiency,
    AgentGroup,
    AgentStatus,
    CallerNumber,
    CallRecord,
    QueueMember,
)
from tests.conftest import AK, SK, TENANT

RECORDS = (CallRecord, Agent, AgentStatus, AgentEfficiency, AgentGroup, QueueMember, CallerNumber)
FIELDS = {"page": 1, "size": 100}
BASE = "http://127.0.0.1:9"
CDR_URL = BASE + "/saas/cc/openapi/cdr/page"
DAY = 1_709_510_400

#: JSON values of every kind the vendor might put anywhere, edges of the fast paths included
#: (0, negative and out-of-range times, integral floats, numeric text, bools for numbers).
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, -1, 1_709_510_402_748, 253_402_300_799_000, 253_402_300_799_001]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**30]),  # orjson: floats past 64 bits
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 2.0, 0.012, -1.5]),
    st.sampled_from(["", "0", "12", " 7 ", "1.5", "US,SG", "2024-03-04 09:10:25", "x"]),
    st.text(max_size=8),
    st.lists(st.sampled_from(["a", "b", 1]), max_size=3),
)


def _fitting(tp: Any) -> st.SearchStrategy[Any]:
    """Values of the typed Struct field type ``tp`` (the ones the typed path should take)."""
    if tp is Any:  # a field its codec converts: mostly values it takes
        return st.one_of(
            st.none(),
            st.floats(allow_nan=False),
            st.integers(-9, 9),
            st.sampled_from([2**64, -(2**63) - 1, 10**30]),  # orjson: floats
            st.lists(st.text(max_size=3), max_size=2),
            st.sampled_from(["", "US,SG", "2024-03-04 09:10:25", "0.5"]),
        )
    if typing.get_origin(tp) is typing.Annotated:
        _base, *meta = typing.get_args(tp)
        low = max([m.ge for m in meta if m.ge is not None], default=-(2**63))
        high = min([m.le for m in meta if m.le is not None], default=2**63 - 1)
        return st.one_of(st.sampled_from([low, high]), st.integers(low, high))
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return st.one_of(*(_fitting(arg) for arg in typing.get_args(tp)))
    simple: dict[Any, st.SearchStrategy[Any]] = {
        type(None): st.none(),
        str: st.text(max_size=8),
        bool: st.booleans(),
        int: st.integers(-(2**63), 2**63 - 1),
    }
    return simple[tp]


@st.composite
def objects(draw: st.DrawFn, cls: type[Any]) -> dict[str, Any]:
    """A vendor object of ``cls`` of values the typed path checks, and now and then one key
    missing, one value of any JSON kind or one unknown key."""
    fields = msgspec.structs.fields(typed.typed_rows(plan_of(cls)).struct)
    obj = {f.encode_name: draw(_fitting(f.type)) for f in fields}
    odd = draw(st.sampled_from(["none"] * 6 + ["missing", "any value", "any value", "unknown"]))
    key = draw(st.sampled_from([f.encode_name for f in fields]))
    if odd == "missing":
        del obj[key]
    elif odd == "any value":
        obj[key] = draw(VALUES)
    elif odd == "unknown":
        obj["vendorAddedThis"] = draw(VALUES)
    return obj


def _slots(record: Any) -> list[tuple[type, Any]]:
    """Every slot's content as stored (raw lazy values unconverted), with its class."""
    cls = type(record)
    contents = [lazy.slot(cls, f.name).__get__(record) for f in attrs.fields(cls)]
    return [(type(value), value) for value in contents]


def _generic(cls: type[Any], body: bytes) -> list[Any] | Exception:
    try:
        return load_list(cls, orjson.loads(body)["data"])
    except SHAPE_ERRORS as exc:
        return exc


def _fresh(cls: type[Any]) -> tuple[typed.TypedDecoder[Any], nxcc_typed.Converter[Any]]:
    """A decoder that has given nothing up yet (the module's own is shared and may have)."""
    return nxcc_typed.build(cls)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_typed_records_are_the_generic_ones_slot_for_slot(cls: type[Any], data: Any) -> None:
    rows = data.draw(st.lists(objects(cls), max_size=4))
    body = json.dumps({"code": 0, "msg": "ok", "data": rows}).encode()  # any integer
    decoder, convert = _fresh(cls)
    fast = decoder.decode(body, lambda answer: convert(answer.data or []))
    slow = _generic(cls, body)
    if fast is None:
        return  # given up: the generic path decides (and is what the client then returns)
    assert isinstance(slow, list), f"typed path took what the generic one refuses: {slow!r}"
    assert [_slots(r) for r in fast] == [_slots(r) for r in slow]
    assert fast == slow
    assert [dump(r) for r in fast] == [dump(r) for r in slow]


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_emulator_records_take_the_typed_path(cls: type[Any]) -> None:
    if cls is CallRecord:
        data = EmulatorData(seed=3, tenant_id=TENANT, cdrs_per_day=2_000)
        rows = [dict(c) for c in data.cdr_list(DAY, DAY + 86_399)][:300]
    else:
        rows = [dump(r) for r in load_list(cls, [{}])]  # defaults only: every key present
    body = orjson.dumps({"code": 0, "msg": "ok", "data": rows})
    decoder, convert = _fresh(cls)
    fast = decoder.decode(body, lambda answer: convert(answer.data or []))
    assert fast is not None
    assert (decoder.hits, decoder.misses) == (1, 0)
    assert [_slots(r) for r in fast] == [_slots(r) for r in load_list(cls, rows)]


def test_unknown_keys_missing_required_keys_and_odd_types_are_given_up() -> None:
    data = EmulatorData(seed=3, tenant_id=TENANT, cdrs_per_day=500)
    good = dict(next(iter(data.cdr_list(DAY, DAY + 86_399))))
    decoder, convert = _fresh(CallRecord)

    def decode(**change: Any) -> list[Any] | None:
        row = {k: v for k, v in {**good, **change}.items() if v is not ...}
        body = orjson.dumps({"code": 0, "data": [good, row]})
        return decoder.decode(body, lambda answer: convert(answer.data or []))

    assert decode() is not None
    assert decode(newKey=1) is None  # belongs in extra: only the generic path keeps it
    assert decode(callId=...) is None  # required
    assert decode(orderId=...) is not None  # optional: its default, as the generic path gives
    assert decode(callDuration="5") is None  # text for a number: the generic path converts it
    assert decode(startTime=-5) is None  # before 1970: converted while loading, never raw
    assert decode(startTime=253_402_300_799_001) is None  # no datetime holds it
    assert decode(answered=1) is None
    money = decode(totalCustomerPrice=5)  # a field msgspec does not type: its codec runs
    assert money is not None
    assert str(money[1].total_customer_price) == "5"
    assert (decoder.hits, decoder.misses) == (3, 6)


@pytest.mark.parametrize(
    "body",
    [
        b'{"code": 0, "data": [{"callId": "\xff"}]}',  # not UTF-8
        b'{"code": 0, "data": [{"callId": "\\ud800"}]}',  # a lone surrogate
        b'\xef\xbb\xbf{"code": 0, "data": []}',  # a byte order mark
        b'{"code": 0, "data": []} {}',  # trailing data
        b"<html>502</html>",
        b"",
    ],
)
def test_bytes_that_are_no_json_answer_are_given_up_without_raising(body: bytes) -> None:
    decoder, convert = _fresh(CallRecord)
    assert decoder.decode(body, lambda answer: convert(answer.data or [])) is None
    assert decoder.misses == 1
    assert isinstance(_generic(CallRecord, body), ValueError)  # the generic path refuses it too


def test_a_decoder_that_keeps_missing_steps_aside_and_comes_back() -> None:
    decoder, convert = _fresh(CallRecord)

    def decode(body: bytes) -> list[Any] | None:
        return decoder.decode(body, lambda answer: convert(answer.data))

    odd = orjson.dumps({"code": 0, "data": [{"callId": "c", "vendorAddedThis": 1}]})
    good = orjson.dumps({"code": 0, "data": [{"callId": "c"}]})
    for _ in range(typed.GIVE_UP_AFTER - 1):
        assert decode(odd) is None
    assert decoder.enabled
    assert decode(odd) is None
    assert not decoder.enabled
    assert decoder.misses == typed.GIVE_UP_AFTER
    for _ in range(typed.RETRY_EVERY - 1):
        assert decode(good) is None  # not even tried
    assert decoder.misses == typed.GIVE_UP_AFTER
    assert decode(good) is not None  # the one in RETRY_EVERY that is tried: back on
    assert decoder.enabled
    assert decode(good) is not None


def test_a_decoder_that_mostly_hits_keeps_trying() -> None:
    decoder, convert = _fresh(CallRecord)
    good = orjson.dumps({"code": 0, "data": [{"callId": "c"}]})
    odd = orjson.dumps({"code": 0, "data": [{"callId": "c", "vendorAddedThis": 1}]})
    for _ in range(typed.GIVE_UP_AFTER * 2):
        assert decoder.decode(good, lambda answer: convert(answer.data)) is not None
        assert decoder.decode(odd, lambda answer: convert(answer.data)) is None
    assert decoder.enabled


def test_error_answers_are_no_misses() -> None:
    quick = nxcc_typed.quick_pages(CallRecord, total=False)
    decoder, _ = nxcc_typed.answers(CallRecord)
    misses = decoder.misses
    for _ in range(typed.GIVE_UP_AFTER * 2):  # an outage: error codes only
        assert quick(orjson.dumps({"code": 99, "msg": "busy", "data": None}), FIELDS) is None
    assert decoder.enabled
    assert decoder.misses == misses


def _client() -> AsyncNXCC:
    return AsyncNXCC(access_key=AK, access_secret=SK, tenant_id=TENANT, base_url=BASE)


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"code": 0, "data": [{"callId": "c", "new": 1}]}, "extra"),  # unknown key: generic path
        ({"code": "0", "data": [{"callId": "c"}]}, "record"),  # code as text: generic path
        ({"code": 1002, "msg": "bad", "data": None}, "error"),  # an error code: generic path
        ({"code": 0, "data": None}, "empty"),
        ({"code": 0}, "empty"),
        ({"code": 0, "data": {"callId": "c"}}, "record"),  # one object, not a list
        ({"code": 0, "data": [{"callId": "c"}]}, "record"),  # typed path
    ],
)
async def test_the_client_gives_what_the_generic_path_gives(
    answer: dict[str, Any], outcome: str
) -> None:
    with aioresponses() as mocked:
        mocked.post(CDR_URL, body=orjson.dumps(answer))
        async with _client() as client:
            if outcome == "error":
                with pytest.raises(APIError, match="bad") as info:
                    await client.cdrs.page(DAY, DAY + 86_399)
                assert info.value.code == 1002
                return
            page = await client.cdrs.page(DAY, DAY + 86_399)
    if outcome == "empty":
        assert page.items == []
        return
    [record] = page.items
    assert record.call_id == "c"
    assert dict(record.extra) == ({"new": 1} if outcome == "extra" else {})


async def test_a_harvest_decodes_every_page_on_the_typed_path() -> None:
    decoder, _ = nxcc_typed.answers(CallRecord)
    hits, misses = decoder.hits, decoder.misses
    async with (
        Emulator(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=5) as emu,
        AsyncNXCC(
            access_key=AK, access_secret=SK, tenant_id=TENANT, base_url=emu.base_url
        ) as client,
    ):
        records = [r async for r in client.cdrs.harvest(DAY, DAY + 2 * 86_400)]
    assert records
    assert decoder.misses == misses
    assert decoder.hits - hits >= len(records) / endpoints.CDR_PAGE_MAX
