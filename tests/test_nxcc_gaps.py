"""NXCC gaps closed: hang-up code meanings on CallRecord (one table, shared with the emulator),
``tasks.create_and_call`` refusing bad input before sending, ``agents.efficiency`` with a time
zone and ``efficiency_iter``/``efficiency_list``, ``update_members(..., allow_empty=True)``, and
the spec's rules 5, 7, 8."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from nxcc_async import AsyncNXCC, CallDirection, DialTarget, HangupCode, HangupParty, load
from nxcc_async.emulator import Emulator
from nxcc_async.emulator import hangup as emu_hangup
from nxcc_async.nxcc.records import Agent, CallRecord

AK, SK, TENANT = "gap-ak", "gap-sk", 144
DAY = 1_704_067_200  # 2024-01-01T00:00:00Z


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=3) as e:
        yield e


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncNXCC]:
    async with AsyncNXCC(
        access_key=AK, access_secret=SK, base_url=emu.base_url, tenant_id=TENANT
    ) as c:
        yield c


def record_bodies(client: AsyncNXCC) -> list[tuple[str, Any]]:
    """Every body the client encodes, as (path, JSON)."""
    bodies: list[tuple[str, Any]] = []
    wire = client._wire
    encode = wire.encode

    def recording(endpoint: Any, fields: Any) -> bytes:
        body = encode(endpoint, fields)
        bodies.append((endpoint.path, orjson.loads(body)))
        return body

    wire.encode = recording  # type: ignore[method-assign]
    return bodies


# --- hang-up codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "member", "meaning", "direction", "party", "answered"),
    [
        (1002, HangupCode.IN_USER_HUNG_UP, "user hung up", CallDirection.INBOUND, HangupParty.USER, True),
        (11031, HangupCode.IN_ABANDONED_IN_QUEUE_ALL_BUSY, "user abandoned in queue (all agents busy)",
         CallDirection.INBOUND, HangupParty.USER, False),
        (2001, HangupCode.OUT_AGENT_HUNG_UP, "agent hung up", CallDirection.OUTBOUND, HangupParty.AGENT, True),
        (2203, HangupCode.OUT_BUSY, "busy", CallDirection.OUTBOUND, HangupParty.USER, False),
        (31042, HangupCode.AICC_TRANSFER_FAILED_QUEUE_TIMEOUT_NOBODY_ONLINE,
         "transfer failed (queue timeout, no agent online)", CallDirection.AICC, HangupParty.UNKNOWN, True),
    ],
)  # fmt: skip
def test_call_record_exposes_the_hangup_meaning(
    code: int,
    member: HangupCode,
    meaning: str,
    direction: CallDirection,
    party: HangupParty,
    answered: bool,
) -> None:
    record = load(CallRecord, {"callId": "c", "hangupCode": str(code), "hangupBy": 2})
    assert record.hangup is member
    assert (member.meaning, member.direction, member.party, member.answered) == (
        meaning,
        direction,
        party,
        answered,
    )
    assert record.hangup_code == code


def test_undocumented_or_missing_hangup_codes_are_none() -> None:
    assert load(CallRecord, {"callId": "c", "hangupCode": 4242}).hangup is None
    assert load(CallRecord, {"callId": "c"}).hangup is None
    assert HangupCode.lookup(None) is None
    with pytest.raises(ValueError, match="4242"):
        HangupCode(4242)


def test_the_table_covers_every_code_of_the_spec() -> None:
    documented = (
        {1000, 1001, 1002, 1003, 1004, 10031, 10032, 1101, 1102, 1103, 11031, 11032, 1104, 11041,
         11042, 1105, 1106, 1107, 1108, 1109, 1110, 1111}
        | {2000, 2001, 2002, 2003, 2004, *range(2101, 2108), *range(2201, 2207)}
        | {3000, 3001, 3002, 3003, *range(3101, 3108), 31041, 31042}
    )  # fmt: skip
    assert {int(c) for c in HangupCode} == documented
    assert all(c.meaning for c in HangupCode)


async def test_emulator_cdrs_agree_with_the_library_table(client: AsyncNXCC) -> None:
    seen = 0
    async for cdr in client.cdrs.iter(DAY, DAY + 86_400):
        code = cdr.hangup
        assert code is not None, cdr.hangup_code
        assert cdr.hangup_by is code.party
        assert cdr.answered is code.answered
        assert cdr.direction is code.direction
        seen += 1
    assert seen > 500
    assert emu_hangup.answered(1003) is HangupCode.IN_VOICEMAIL.answered is False


# --- create_and_call ----------------------------------------------------------------------------

TASK: dict[str, Any] = {
    "country": "sg",
    "task_name": "renewals",
    "agent_group_no": "NXQueue0001",
    "strategy_name": "default",
    "predict_call_rate": 1.5,
    "ratio_call_rate": 2,
    "start_count": 1,
}


async def test_create_and_call_sends_every_required_field(emu: Emulator, client: AsyncNXCC) -> None:
    bodies = record_bodies(client)
    targets = [
        DialTarget(user_phone="6581110001", order_id="o-1", other="x"),
        DialTarget(user_phone="6581110002", order_id="o-2"),
    ]
    await client.tasks.create_and_call(**TASK, call_list=targets)
    (path, body), *_ = bodies
    assert path == "ai/createandcall"
    assert body == {
        "country": "SG",
        "taskName": "renewals",
        "strategyName": "default",
        "dispatchType": 0,
        "agentGroupNo": "NXQueue0001",
        "predictCallRate": 1.5,
        "ratioCallRate": 2,
        "startCount": 1,
        "startupType": 3,
        "callList": [
            {"userPhone": "6581110001", "orderID": "o-1", "other": "x"},
            {"userPhone": "6581110002", "orderID": "o-2"},
        ],
    }
    assert [c.callee for c in await client.cdrs.by_order("o-1")] == ["6581110001"]


@pytest.mark.parametrize(
    ("change", "exc", "match"),
    [
        ({"strategy_name": None}, TypeError, "strategy_name"),
        ({"strategy_name": " "}, ValueError, "strategy_name"),
        ({"predict_call_rate": "1.5"}, TypeError, "predict_call_rate must be a number"),
        ({"predict_call_rate": True}, TypeError, "predict_call_rate"),
        ({"ratio_call_rate": 1000}, ValueError, "ratio_call_rate must be a number from 0 to 100"),
        ({"ratio_call_rate": float("nan")}, ValueError, "ratio_call_rate"),
        ({"start_count": -1}, ValueError, "start_count"),
        ({"start_count": 1.0}, TypeError, "start_count"),
        ({"country": "Singapore"}, ValueError, "2-letter"),
        ({"country": "S1"}, ValueError, "2-letter"),
        ({"call_list": []}, ValueError, "call_list"),
        ({"call_list": [DialTarget(user_phone="+6581110001")]}, ValueError, "6 to 15 digits"),
        ({"call_list": [DialTarget(user_phone="65 8111 0001")]}, ValueError, "6 to 15 digits"),
        ({"call_list": [DialTarget(user_phone="123")]}, ValueError, "6 to 15 digits"),
        ({"call_list": [DialTarget(user_phone="6581110001", order_id="a"),
                        DialTarget(user_phone="6581110002", order_id="a")]}, ValueError, "twice"),
        ({"call_list": [{"userPhone": "6581110001"}]}, TypeError, "DialTarget"),
    ],
)  # fmt: skip
async def test_create_and_call_refuses_bad_input_before_sending(
    emu: Emulator, client: AsyncNXCC, change: dict[str, Any], exc: type, match: str
) -> None:
    args = {**TASK, "call_list": [DialTarget(user_phone="6581110001")], **change}
    emu.reset_stats()
    with pytest.raises(exc, match=match):
        await client.tasks.create_and_call(**args)
    assert emu.stats.total == 0


# --- efficiency ----------------------------------------------------------------------------------


async def test_efficiency_body_default_utc_and_per_day(emu: Emulator, client: AsyncNXCC) -> None:
    bodies = record_bodies(client)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=3) - dt.timedelta(seconds=1)
    page = await client.agents.efficiency(start, end, size=10, per_day=True)
    assert bodies[-1] == (
        "agent/efficiencyStatistical/page",
        {
            "staticalType": 1,
            "startDateTime": "2024-01-01 00:00:00",
            "endDateTime": "2024-01-03 23:59:59",
            "tenantId": TENANT,
            "page": 1,
            "size": 10,
        },
    )
    assert page.total == 3 * len(emu.data.agents)
    totals = await client.agents.efficiency(start, end, size=10)
    assert bodies[-1][1]["staticalType"] == 0
    assert totals.total == len(emu.data.agents)


async def test_efficiency_totals_add_up_the_days_and_midnight_ends_a_range(
    client: AsyncNXCC,
) -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for days in (1, 2, 10):
        end = start + dt.timedelta(days=days)  # sent as "... 00:00:00": that day not included
        agent = "NXAgent0001"
        rows = await client.agents.efficiency_list(start, end, per_day=True, user_name=agent)
        assert [r.extra["statDate"] for r in rows] == [
            (start + dt.timedelta(days=k)).date().isoformat() for k in range(days)
        ]
        (total,) = await client.agents.efficiency_list(start, end, user_name=agent)
        assert total.answer_count_in_five == sum(r.answer_count_in_five or 0 for r in rows)
        for key in ("callInCount", "answerCount", "callOutCount", "totalCallDuration"):
            assert total.extra[key] == sum(r.extra[key] for r in rows), (days, key)


async def test_efficiency_dates_in_the_accounts_time_zone(client: AsyncNXCC) -> None:
    bodies = record_bodies(client)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)  # 08:00 in Shanghai
    await client.agents.efficiency(start, DAY + 3600, tz="Asia/Shanghai")
    assert bodies[-1][1]["startDateTime"] == "2024-01-01 08:00:00"
    assert bodies[-1][1]["endDateTime"] == "2024-01-01 09:00:00"
    await client.agents.efficiency(start, DAY, tz=zoneinfo.ZoneInfo("America/New_York"))
    assert bodies[-1][1]["startDateTime"] == "2023-12-31 19:00:00"
    with pytest.raises(ValueError, match="unknown time zone"):
        await client.agents.efficiency(start, DAY, tz="Mars/Olympus")
    with pytest.raises(TypeError):
        await client.agents.efficiency(start, DAY, tz=8)  # type: ignore[arg-type]


async def test_efficiency_iter_and_list_walk_every_page(emu: Emulator, client: AsyncNXCC) -> None:
    start, end = DAY, DAY + 2 * 86_400 - 1
    rows = [r async for r in client.agents.efficiency_iter(start, end, per_day=True, page_size=7)]
    assert len(rows) == 2 * len(emu.data.agents)
    names = [r.agent_name for r in rows]
    assert len(set(names)) == len(emu.data.agents)
    listed = await client.agents.efficiency_list(start, end, per_day=True)
    assert [r.agent_name for r in listed] == names
    with pytest.raises(ValueError, match="size"):
        client.agents.efficiency_iter(start, end, page_size=101)


# --- update_members ------------------------------------------------------------------------------


async def test_update_members_empties_a_group_only_when_asked(
    emu: Emulator, client: AsyncNXCC
) -> None:
    queue = emu.data.groups[0].group_no
    assert emu.data.members(queue)
    emu.reset_stats()
    with pytest.raises(ValueError, match="allow_empty=True"):
        await client.queues.update_members(queue, [])
    assert emu.stats.total == 0
    bodies = record_bodies(client)
    await client.queues.update_members(queue, [], allow_empty=True)
    assert bodies[-1] == (
        "agentGroup/updateMembers",
        {"queueNo": queue, "members": [], "tenantId": TENANT},
    )
    assert await client.queues.members(queue) == []
    with pytest.raises(TypeError):
        await client.queues.update_members(queue, [], allow_empty="yes")  # type: ignore[arg-type]


# --- spec rules 5, 7, 8 --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [12, 12_000, "45"])
def test_rule_5_queue_duration_is_kept_raw(raw: object) -> None:
    record = load(CallRecord, {"callId": "c", "queueDuration": raw})
    assert record.queue_duration == int(raw)  # type: ignore[call-overload]
    assert orjson.loads(orjson.dumps(record.queue_duration)) == int(raw)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False),
     ("true", True), (None, False)],
)  # fmt: skip
def test_rule_7_recording_is_bool_or_0_1(raw: object, expected: bool) -> None:
    assert load(Agent, {"recording": raw}).recording is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(["US, SG"], ("US", "SG")), (["US", "SG"], ("US", "SG")), ("US,SG", ("US", "SG")),
     ([], ()), (None, ())],
)  # fmt: skip
def test_rule_8_allow_country_becomes_a_list_of_codes(
    raw: object, expected: tuple[str, ...]
) -> None:
    agent = load(Agent, {"allowCountry": raw})
    assert agent.allow_country == expected
