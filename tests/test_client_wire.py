"""What AsyncNXCC puts on the wire and how it reads answers (aioresponses, no sockets)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import orjson
import pytest
from aioresponses import CallbackResult, aioresponses

from nxcc_async import (
    AsyncNXCC,
    AuthError,
    BadRequestError,
    CallDirection,
    HangupParty,
    PermissionDeniedError,
    SignatureError,
    TimestampError,
    ValidationError,
)
from tests.conftest import AK, FAST_RETRY, SK, TENANT, expected_sign

BASE = "http://nxcc.test"
URL = BASE + "/saas/cc/openapi/"

CDR = {
    "agentName": "NX094450006938",
    "agentNickName": "示例坐席",
    "answered": True,
    "answerTime": 1690423244000,
    "callDuration": 5,
    "callee": "85235757568",
    "caller": "85238531117",
    "callId": "6605fcd9563616c6c009c6240",
    "direction": 1,
    "endTime": 1690423248124,
    "hangupBy": 1,
    "hangupCode": 2001,
    "startTime": 1690423237704,
    "totalCustomerPrice": 0.035,
    "futureField": {"x": 1},
}


def ok(data: object, **extra: object) -> dict[str, object]:
    return {"reqId": "r1", "code": 0, "msg": "Success", "data": data, **extra}


def client(**kwargs: object) -> AsyncNXCC:
    settings: dict[str, object] = {
        "access_key": AK,
        "access_secret": SK,
        "base_url": BASE,
        "tenant_id": TENANT,
        "retry": FAST_RETRY,
    }
    settings.update(kwargs)
    return AsyncNXCC(**settings)  # type: ignore[arg-type]


def sent(m: aioresponses) -> list[tuple[dict[str, str], bytes]]:
    return [
        (call.kwargs["headers"], call.kwargs["data"])
        for calls in m.requests.values()
        for call in calls
    ]


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
async def test_signature_covers_the_exact_bytes_sent(algorithm: str) -> None:
    with aioresponses() as m:
        m.post(URL + "agent/page", payload=ok([], total=0))
        async with client(algorithm=algorithm, clock=lambda: 1655710885.431) as c:
            await c.agents.page(page=1, size=200)
    ((headers, body),) = sent(m)
    assert body == b'{"tenantId":144,"page":1,"size":200}'
    assert headers["ts"] == "1655710885431"
    assert headers["bizType"] == "8"
    assert headers["action"] == "cc"
    assert headers["accessKey"] == AK
    assert headers["Content-Type"] == "application/json"
    assert headers["sign"] == expected_sign(headers, body)
    assert ("algorithm" in headers) is (algorithm == "sha256")


async def test_every_attempt_is_signed_afresh() -> None:
    clock = itertools.count(1_700_000_000, 7)
    with aioresponses() as m:
        m.post(URL + "cdr/page", payload={"code": 99, "msg": "System error", "reqId": "a"})
        m.post(URL + "cdr/page", payload=ok([]))
        async with client(clock=lambda: float(next(clock))) as c:
            page = await c.cdrs.page(1688140800, 1690819200)
    (h1, b1), (h2, b2) = sent(m)
    assert b1 == b2
    assert h1["ts"] != h2["ts"]
    assert h1["sign"] != h2["sign"]
    assert h2["sign"] == expected_sign(h2, b2)
    assert page.items == []


async def test_cdr_filters_use_the_request_numbering_and_records_the_record_numbering() -> None:
    with aioresponses() as m:
        m.post(URL + "cdr/page", payload=ok([CDR]))
        async with client() as c:
            page = await c.cdrs.page(
                dt.datetime(2023, 7, 1, tzinfo=dt.timezone.utc),
                1690819200,
                size=50,
                direction=CallDirection.OUTBOUND,
                answered=True,
                name="NX0001",
            )
    ((_, body),) = sent(m)
    assert orjson.loads(body) == {
        "startTime": 1688169600,
        "endTime": 1690819200,
        "answered": 2,
        "direction": 2,
        "name": "NX0001",
        "page": 1,
        "size": 50,
    }
    (cdr,) = page.items
    assert cdr.direction is CallDirection.OUTBOUND
    assert cdr.hangup_by is HangupParty.USER
    assert cdr.answer_time == dt.datetime(2023, 7, 27, 2, 0, 44, tzinfo=dt.timezone.utc)
    assert cdr.extra == {"futureField": {"x": 1}}
    assert page.total is None


async def test_wrong_secret_raises_1003_without_the_secret() -> None:
    with aioresponses() as m:
        m.post(URL + "agent/page", payload={"code": 1003, "msg": "sign error", "reqId": "q9"})
        async with client() as c:
            with pytest.raises(SignatureError) as info:
                await c.agents.page()
    err = info.value
    assert (err.code, err.msg, err.req_id) == (1003, "sign error", "q9")
    assert len(sent(m)) == 1
    headers, _ = sent(m)[0]
    for text in (str(err), repr(err), repr(c)):
        assert SK not in text
        assert headers["sign"] not in text


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (1005, PermissionDeniedError),
        (41000, ValidationError),
        (1002, BadRequestError),  # a ValidationError and, by its band (1001-1005), an AuthError
        (1002, ValidationError),
        (1002, AuthError),
    ],
)
async def test_result_codes_map_to_error_classes(code: int, error: type[Exception]) -> None:
    with aioresponses() as m:
        m.post(URL + "agent/page", payload={"code": code, "msg": "no", "data": {}})
        async with client() as c:
            with pytest.raises(error):
                await c.agents.page()
    assert len(sent(m)) == 1


async def test_no_attempt_repeats_a_ts_even_when_the_clock_stands_still() -> None:
    # every answer rejects the timestamp and dates the server one minute ahead: each call
    # re-signs once with the offset from that whole-second Date, which lands on the same
    # millisecond again; with a clock that does not move, only the wire keeps ts apart
    rejected = {"reqId": "r", "code": 1004, "msg": "Timestamp expired", "data": {}}
    with aioresponses() as m:
        m.post(
            URL + "agent/page", payload=rejected, repeat=True,
            headers={"Date": "Tue, 14 Nov 2023 22:14:20 GMT"},  # 1_700_000_060
        )  # fmt: skip
        async with client(clock=lambda: 1_700_000_000.0) as c:
            for _ in range(3):
                with pytest.raises(TimestampError):
                    await c.agents.page()
    attempts = [(h["ts"], h["sign"]) for h, _ in sent(m)]
    stamps = [int(ts) for ts, _ in attempts]
    assert len(attempts) == 6  # each call: the attempt and one re-signed retry
    assert stamps == sorted(set(stamps))  # strictly increasing
    assert len(set(attempts)) == 6


async def test_update_members_body_and_null_data() -> None:
    with aioresponses() as m:
        m.post(URL + "agentGroup/updateMembers", payload=ok(None))
        async with client() as c:
            assert await c.queues.update_members("NXQueue0001", ["NXAgent0001", "NX2"]) is None
    ((_, body),) = sent(m)
    assert body == b'{"tenantId":144,"queueNo":"NXQueue0001","members":["NXAgent0001","NX2"]}'


async def test_agent_status_sends_integer_seconds() -> None:
    entry = {
        "userName": "a@x",
        "sipNumber": "NX1",
        "busyDuration": 10,
        "loginTimeStamp": 1710491315,
    }
    with aioresponses() as m:
        m.post(URL + "agent/status/info", payload=ok([entry]))
        async with client() as c:
            (usage,) = await c.agents.status(
                "NXAgent0001", 1704643200, dt.datetime(2024, 1, 8, 16, tzinfo=dt.timezone.utc)
            )
    ((_, body),) = sent(m)
    assert orjson.loads(body) == {
        "tenantId": 144,
        "userName": "NXAgent0001",
        "startDateTime": 1704643200,
        "endDateTime": 1704729600,
    }
    assert usage.busy_duration == 10
    assert usage.login_time_stamp == dt.datetime(2024, 3, 15, 8, 28, 35, tzinfo=dt.timezone.utc)


def agent_pages(count: int, **extra: object) -> Callable[..., CallbackResult]:
    """An ``agent/page`` server of ``count`` agents: the requested page, with ``extra`` keys."""

    def page_of(url: object, **kwargs: object) -> CallbackResult:
        body = orjson.loads(kwargs["data"])  # type: ignore[arg-type]
        start = (body["page"] - 1) * body["size"]
        items = [
            {"sipNumber": f"NX{i:04d}", "userName": f"u{i}"}
            for i in range(start, min(count, start + body["size"]))
        ]
        return CallbackResult(payload=ok(items, **extra))

    return page_of


async def test_agents_listing_with_total_an_exact_multiple_of_the_page_size() -> None:
    with aioresponses() as m:
        m.post(URL + "agent/page", callback=agent_pages(400, total=400), repeat=True)
        async with client() as c:
            agents = await c.agents.list()
    assert len(agents) == 400
    assert len({a.sip_number for a in agents}) == 400
    assert [a.sip_number for a in agents][:2] == ["NX0000", "NX0001"]
    assert len(sent(m)) == 2  # no third request past the total


@pytest.mark.parametrize("extra", [{}, {"total": None}], ids=["absent", "null"])
async def test_agents_listing_without_total_pages_on_until_a_short_page(
    extra: dict[str, object],
) -> None:
    with aioresponses() as m:
        m.post(URL + "agent/page", callback=agent_pages(450, **extra), repeat=True)
        async with client() as c:
            agents = await c.agents.list()
    assert [a.sip_number for a in agents] == [f"NX{i:04d}" for i in range(450)]
    assert [orjson.loads(body)["page"] for _, body in sent(m)] == [1, 2, 3]


async def test_a_cdr_page_with_times_as_digit_strings_is_read() -> None:
    texts = dict(CDR, startTime=str(CDR["startTime"]), answerTime="0")
    with aioresponses() as m:
        m.post(URL + "cdr/page", payload=ok([texts, CDR]))
        async with client() as c:
            page = await c.cdrs.page(1688140800, 1690819200)
    first, second = page.items
    assert first.start_time == second.start_time is not None
    assert first.answer_time is None


async def test_cdr_iteration_stops_at_the_first_short_or_empty_page() -> None:
    full = [dict(CDR, callId=f"c{i}") for i in range(100)]
    with aioresponses() as m:
        m.post(URL + "cdr/page", payload=ok(full))
        m.post(URL + "cdr/page", payload=ok(full[:0]))
        async with client() as c:
            ids = [cdr.call_id async for cdr in c.cdrs.iter(0, 86400)]
    assert len(ids) == 100
    assert len(sent(m)) == 2


async def test_empty_range_is_one_request() -> None:
    with aioresponses() as m:
        m.post(URL + "cdr/page", payload=ok([]))
        async with client() as c:
            assert [x async for x in c.cdrs.iter(100, 100)] == []
    assert len(sent(m)) == 1
