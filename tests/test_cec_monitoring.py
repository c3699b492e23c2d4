"""The rest of the CEC monitoring surface (spec §6) against the emulator over loopback: the
body each method sends, the records it returns, the errors of bad input on both sides."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from nxcc_async._core.converter import dump
from nxcc_async._core.errors import ResponseFormatError, ValidationError
from nxcc_async._core.retry import RetryPolicy
from nxcc_async.cec import AsyncCEC
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.records import AgentInfo, CallInfo, Indicators
from nxcc_async.cec.states import AgentStateKind, CtiState, WorkNoStatus
from nxcc_async.emulator import Emulator

AK, SK = "cec-ak", "cec-sk"
FAST = RetryPolicy(max_retries=2, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(seed=7, cec_access_key=AK, cec_secret_key=SK) as emulator:
        yield emulator


@pytest.fixture
async def cec(emu: Emulator) -> AsyncIterator[AsyncCEC]:
    async with AsyncCEC(emu.base_url, AK, SK, retry=FAST) as client:
        yield client


class Recorder:
    """Keeps the body of every request the client sends (by wrapping the channel's wire)."""

    def __init__(self, cec: AsyncCEC) -> None:
        self.bodies: list[tuple[str, Any]] = []
        wire = cec._wire
        encode = wire.encode

        def recording(endpoint: Any, fields: Any) -> bytes:
            body = encode(endpoint, fields)
            self.bodies.append((endpoint.full_path, orjson.loads(body)))
            return body

        wire.encode = recording  # type: ignore[method-assign]

    @property
    def last(self) -> tuple[str, Any]:
        return self.bodies[-1]


V1 = "/rest/cmsapp/v1/openapi/"


async def test_agent_indicators_body_and_records(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    ids = [a.agent_id for a in emu.cec.agents(1, 2)[:3]]
    rows = await cec.agent_indicators(1, 2, ids, ["IDX_A", "IDX_B"])
    assert rec.last == (
        V1 + "agentgroup/rindex",
        {"ccId": 1, "vdn": 2, "agentIds": ids, "indexIds": ["IDX_A", "IDX_B"]},
    )
    assert [r.id for r in rows] == ids
    assert all(isinstance(r, Indicators) and set(r.as_dict()) == {"IDX_A", "IDX_B"} for r in rows)


@pytest.mark.parametrize(
    ("agents", "indexes", "exc"),
    [
        (list(range(1, 102)), ["IDX_A"], ValueError),  # > 100 agents
        ([1], ["IDX_A"] * 2, ValueError),  # duplicate indicator
        ([1], ["IDX_A", "IDX_B", "IDX_C", "IDX_D", "IDX_E"], ValueError),  # > 4 indicators
        ([1], [], ValueError),
        ([1], "IDX_A", TypeError),  # a single string, not a list
        ([1], [7], TypeError),
    ],
)
async def test_agent_indicators_refused_before_sending(
    cec: AsyncCEC, emu: Emulator, agents: list[int], indexes: Any, exc: type[Exception]
) -> None:
    emu.reset_stats()
    with pytest.raises(exc):
        await cec.agent_indicators(1, 1, agents, indexes)
    assert emu.stats.total == 0


async def test_agent_by_work_no_both_editions(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    agent = next(a for a in emu.cec.agents(1, 3) if a.state == 7)
    info = await cec.agent_by_work_no(1, 3, agent.agent_id)
    assert rec.last == (
        V1 + "agent/agentbyworkno",
        {"ccId": 1, "vdn": 3, "agentId": agent.agent_id},
    )
    assert isinstance(info, AgentInfo)
    assert (info.work_no, info.vdn_id, info.name) == (agent.agent_id, 3, f"Agent {agent.agent_id}")
    assert info.cti_status is CtiState.BUSY
    assert info.status is WorkNoStatus.BUSY
    assert info.state is AgentStateKind.BUSY
    legacy = await cec.legacy_agent_by_work_no(1, 3, str(agent.agent_id))  # type: ignore[arg-type]
    assert rec.last == (
        V1 + "agentgroup/agentbyworkno",
        {"queryParam": {"ccId": 1, "vdn": 3, "agentId": agent.agent_id}},
    )
    assert legacy == info


async def test_agent_by_work_no_unknown_agent_is_validation_error(cec: AsyncCEC) -> None:
    with pytest.raises(ValidationError):
        await cec.agent_by_work_no(1, 1, 999_999)


def test_agent_info_reads_the_cit_status_spelling() -> None:
    info = ep.parse_agent_info({"workno": "1001", "citStatus": 8, "status": 0})
    assert info.cti_status is CtiState.REST
    assert info.state is AgentStateKind.REST  # status 0 (unknown): the CTI code decides
    assert dump(info)["ctiStatus"] == 8


async def test_agent_call_ids_and_is_in_call(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    agents = emu.cec.agents(1, 4)
    talking = next(a for a in agents if a.talking)
    idle = next(a for a in agents if a.state == 1)
    assert await cec.agent_call_ids(1, 4, talking.agent_id) == [f"1-4-{talking.agent_id}-1"]
    assert rec.last[0] == V1 + "agent/queryagentcalls"
    assert await cec.agent_call_ids(1, 4, idle.agent_id) == []
    assert await cec.is_in_call(1, 4, talking.agent_id) is True
    assert rec.last == (
        V1 + "calldata/isprocesscall",
        {"queryParam": {"ccId": 1, "vdn": 4, "agentId": talking.agent_id}},
    )
    assert await cec.is_in_call(1, 4, idle.agent_id) is False


@pytest.mark.parametrize(
    ("payload", "expected"), [(True, True), ("false", False), (1, True), ("0", False)]
)
def test_is_in_call_payload_forms(payload: Any, expected: bool) -> None:
    assert ep.parse_flag(payload) is expected


def test_is_in_call_of_another_shape_is_a_format_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="expected a boolean"):
        ep.parse_flag({"inCall": True})


async def test_dynamic_states_pages_iter_and_list(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    agents = emu.cec.agents(1, 5)
    page = await cec.agent_dynamic_states_page(1, 5, offset=100, limit=50)
    assert rec.last == (
        V1 + "vdn/totalagentdynamicinfo",
        {"ccId": 1, "vdn": 5, "offset": 100, "limit": 50},
    )
    assert (page.page, page.total) == (3, len(agents))
    assert [(a.agent_id, int(a.current_state)) for a in page] == [
        (a.agent_id, a.state) for a in agents[100:150]
    ]
    streamed = [a async for a in cec.agent_dynamic_states_iter(1, 5, page_size=64)]
    assert [a.agent_id for a in streamed] == [a.agent_id for a in agents]
    assert await cec.agent_dynamic_states(1, 5) == streamed
    one_call = await cec.agent_states(1, 5)
    assert rec.last == (V1 + "vdn/totalagentstate", {"ccId": 1, "vdn": 5})
    assert one_call == streamed
    assert {a.state for a in one_call} >= {AgentStateKind.SIGNED_OUT, AgentStateKind.IDLE}


async def test_every_paged_interface_has_an_iterator(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 6)
    assert [a.agent_id async for a in cec.vdn_agents_iter(1, 6, page_size=70)] == [
        a.agent_id for a in agents
    ]
    idle = [a.agent_id async for a in cec.agents_by_status_iter(1, 6, status=1, page_size=7)]
    assert idle == [a.agent_id for a in agents if a.state == 1]
    rest = [d async for d in cec.agent_rest_details_iter(1, 6, page_size=60)]
    assert [d.work_no for d in rest] == [a.agent_id for a in agents if a.state == 8]
    assert all(d.rest_duration and d.agent_name for d in rest)


async def test_iterators_check_arguments_at_call_time(emu: Emulator, cec: AsyncCEC) -> None:
    emu.reset_stats()
    for make in (
        lambda: cec.vdn_agents_iter(1, 1, page_size=1001),
        lambda: cec.agent_dynamic_states_iter(0, 1),
        lambda: cec.agents_by_status_iter(1, 1, status=-1),
        lambda: cec.agent_rest_details_iter(1, 1, page_size=101),
    ):
        with pytest.raises(ValueError, match=r"must be|at most"):
            make()
    assert emu.stats.total == 0


async def test_skill_queue_interfaces(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    skills = emu.cec.skills(1, 2)
    status = await cec.skill_status(1, 2)
    assert rec.last == (V1 + "skill/totalskillstatusex3", {"ccId": 1, "vdn": 2})
    assert [(s.skill_id, s.skill_name, s.waiting_calls) for s in status] == [
        (s.skill_id, s.name, s.waiting) for s in skills
    ]
    assert status[0].extra == {"mediaType": 5}
    ids = [s.skill_id for s in skills]
    quality = await cec.skill_service_quality(1, 2, ids)
    assert rec.last == (V1 + "skill/servicequality", {"ccId": 1, "vdn": 2, "skillIds": ids})
    assert [(q.skill_id, q.service_level) for q in quality] == [
        (s.skill_id, s.service_level) for s in skills
    ]
    indicators = await cec.skill_indicators(1, 2, ids[:2], ["IDX_X"])
    assert rec.last[1]["indexIds"] == ["IDX_X"]
    assert [i.id for i in indicators] == ids[:2]
    info = await cec.skill_state_info(1, 2, ids)
    assert rec.last == (
        V1 + "realindex/skill/stateinfo",
        {"queryParam": {"ccId": 1, "vdn": 2, "skillIds": ids}},
    )
    assert [i.skill_id for i in info] == ids
    assert set(info[0].extra) == {"callInNum", "answeredNum", "abandonedNum"}


async def test_skill_caps_are_checked_before_sending(emu: Emulator, cec: AsyncCEC) -> None:
    emu.reset_stats()
    with pytest.raises(ValueError, match="at most 1000"):
        await cec.skill_service_quality(1, 1, list(range(1, 1002)))
    with pytest.raises(ValueError, match="at most 12"):
        await cec.skill_indicators(1, 1, [101], [f"IDX_{i}" for i in range(13)])
    with pytest.raises(ValueError, match="twice"):
        await cec.skill_state_info(1, 1, [101, 101])
    assert emu.stats.total == 0
    with pytest.raises(ValidationError):  # the emulator is as strict
        await cec.call(ep.SKILL_SERVICE_QUALITY, {"ccId": 1, "vdn": 1, "skillIds": []})


async def test_live_call_info(emu: Emulator, cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    talking = next(a for a in emu.cec.agents(1, 4) if a.talking)
    call_id = f"1-4-{talking.agent_id}-1"
    basic = await cec.basic_call_info(1, 4, call_id)
    assert rec.last == (
        V1 + "calldata/querybasiccallinfo",
        {"ccId": 1, "vdn": 4, "callId": call_id},
    )
    assert isinstance(basic, CallInfo)
    assert basic.call_id == call_id
    assert basic.extra["agentId"] == talking.agent_id
    detail = await cec.detail_call_info(1, 4, call_id)
    assert rec.last[0] == V1 + "calldata/querydetailcallinfo"
    assert detail.extra["talkDuration"] == talking.state_seconds
    with pytest.raises(ValidationError):  # the call must be live
        await cec.basic_call_info(1, 4, "1-4-0-1")
    with pytest.raises(ValueError, match="must not be empty"):
        await cec.basic_call_info(1, 4, " ")


async def test_vdn_calls_uses_the_v2_prefix(cec: AsyncCEC) -> None:
    rec = Recorder(cec)
    start = dt.datetime(2024, 3, 1, 8, tzinfo=dt.timezone.utc)
    calls = await cec.vdn_calls(1, 2, start, start + dt.timedelta(hours=6), inbound=True)
    path, body = rec.last
    assert path == "/rest/cmsapp/v2/openapi/vdn/querycalls"
    assert body == {
        "ccId": 1,
        "vdn": 2,
        "beginDate": int(start.timestamp()) * 1000,
        "endDate": int(start.timestamp()) * 1000 + 6 * 3_600_000,
        "isCallIn": True,
    }
    assert calls
    assert all(c.call_id and c.extra["callIn"] is True for c in calls)
    with pytest.raises(TypeError):
        await cec.vdn_calls(1, 2, start, start, inbound=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="before start"):
        await cec.vdn_calls(1, 2, start, start - dt.timedelta(seconds=1), inbound=False)
    with pytest.raises(ValidationError):  # more than a day: the emulator refuses
        await cec.vdn_calls(1, 2, start, start + dt.timedelta(days=2), inbound=False)


@pytest.mark.parametrize("kind", ep.HISTORY_KINDS)
async def test_history_indicators(cec: AsyncCEC, kind: ep.HistoryKind) -> None:
    rec = Recorder(cec)
    rows = await cec.history_indicators(
        kind, 1, 3, ["IDX_COUNT_AGENT_SIGN_IN"], {"beginTime": 1, "endTime": 2}
    )
    assert rec.last == (
        V1 + f"hisindex/{kind}",
        {
            "ccId": 1,
            "vdn": 3,
            "indexIds": ["IDX_COUNT_AGENT_SIGN_IN"],
            "beginTime": 1,
            "endTime": 2,
        },
    )
    assert rows[0].id == 3
    assert set(rows[0].as_dict()) == {"IDX_COUNT_AGENT_SIGN_IN"}


async def test_history_indicators_bad_arguments(cec: AsyncCEC) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        await cec.history_indicators("week", 1, 1, ["IDX_A"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not repeat"):
        await cec.history_indicators("vdn", 1, 1, ["IDX_A"], {"vdn": 2})
    with pytest.raises(ValueError, match="must not be empty"):  # refused before sending
        await cec.history_indicators("vdn", 1, 1, [" "])


async def test_cti_state_enum_is_shared_by_every_record(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 1)
    ids = [a.agent_id for a in agents[:20]]
    status = await cec.agent_status(1, 1, ids)
    brief = (await cec.vdn_agents_page(1, 1, 0, 20)).items
    dynamic = (await cec.agent_dynamic_states_page(1, 1, 0, 20)).items
    for rows in (status, brief, dynamic):
        assert [r.current_state for r in rows] == [CtiState(a.state) for a in agents[:20]]
        assert all(isinstance(r.current_state, CtiState) for r in rows)
    assert all(isinstance(s.prev_state, CtiState) for s in status)


def test_unknown_cti_codes_stay_ints() -> None:
    rows = ep.parse_agents_by_status([{"agentId": 1, "currentState": 42}])
    assert rows[0].current_state == 42
    assert not isinstance(rows[0].current_state, CtiState)
    assert rows[0].state is AgentStateKind.UNKNOWN


async def test_a_list_where_a_call_list_belongs_is_a_format_error(cec: AsyncCEC) -> None:
    bad = ep.CECEndpoint(
        path="vdn/totalagentstate", parse=lambda p, _: ep.parse_call_ids([{"x": 1}]), wrapped=False
    )
    with pytest.raises(ResponseFormatError):
        await cec._channel.send(bad, {"ccId": 1, "vdn": 1})


def test_every_endpoint_has_an_emulator_route() -> None:
    from nxcc_async.emulator.cec import ROOT, ROUTES

    served = {ROOT + path for path in ROUTES}
    assert {e.full_path for e in ep.ENDPOINTS} == served


async def test_total_of_an_empty_vdn_is_zero_without_a_page_call(
    emu: Emulator, cec: AsyncCEC
) -> None:
    emu.reset_stats()
    assert await cec.system_state_total(1, 1, agent_count=0) == ep.SystemState()
    assert emu.stats.total == 0
