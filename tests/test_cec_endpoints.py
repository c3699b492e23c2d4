"""CEC request bodies (wrapping, checks before sending) and payload parsing: pure functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest

from nxcc_async._core.converter import dump, load
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.records import (
    AgentStatusInfo,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.states import AgentStateKind


def test_seed_body_is_wrapped_and_compact() -> None:
    body = ep.SYSTEM_STATE.body(ep.system_state_params(1, 1, 0, 10))
    assert body == b'{"queryParam":{"ccId":1,"vdn":1,"offset":0,"limit":10}}'


@pytest.mark.parametrize(
    ("endpoint", "wrapped"),
    [
        (ep.SYSTEM_STATE, True),
        (ep.LEGACY_SYSTEM_STATE, True),
        (ep.AGENT_REST_INFO, True),
        (ep.AGENT_STATUS, False),
        (ep.TEAM_AGENT_STATUS, False),
        (ep.AGENT_CALLS, False),
        (ep.VDN_AGENTS, False),
        (ep.AGENTS_BY_STATUS, False),
    ],
)
def test_wrapping_per_endpoint(endpoint: ep.Endpoint, wrapped: bool) -> None:
    data = orjson.loads(endpoint.body({"ccId": 1}))
    assert data == ({"queryParam": {"ccId": 1}} if wrapped else {"ccId": 1})
    assert endpoint.full_path.startswith("/rest/cmsapp/v1/openapi/")


def test_only_query_agent_by_status_has_the_other_envelope() -> None:
    assert [e.path for e in ep.ENDPOINTS if e.envelope == "return"] == ["vdn/queryAgentByStatus"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 1, 0, 100), "cc_id"),
        ((65536, 1, 0, 100), "cc_id"),
        ((1, 0, 0, 100), "vdn"),
        ((1, 5001, 0, 100), "vdn"),
        ((1, 1, -1, 100), "offset"),
        ((1, 1, 0, 0), "limit"),
        ((1, 1, 0, 101), "limit"),
    ],
)
def test_system_state_ranges(args: tuple[int, int, int, int], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ep.system_state_params(*args)


def test_range_edges_accepted() -> None:
    assert ep.system_state_params(65535, 5000, 0, 100)["ccId"] == 65535
    assert ep.system_state_params(1, 1, 10**6, 1)["offset"] == 10**6


@pytest.mark.parametrize("bad", ["1", 1.0, True, None])
def test_types_checked(bad: Any) -> None:
    with pytest.raises(TypeError):
        ep.system_state_params(bad, 1, 0, 100)
    with pytest.raises(TypeError):
        ep.system_state_params(1, 1, 0, bad)


def test_vdn_agents_limit_up_to_1000() -> None:
    assert ep.vdn_agents_params(1, 1, 0, 1000)["limit"] == 1000
    with pytest.raises(ValueError, match="limit"):
        ep.vdn_agents_params(1, 1, 0, 1001)


def test_agent_ids_caps() -> None:
    assert ep.agent_ids_params(1, 1, range(1, 6001), ep.AGENT_IDS_MAX)["agentIds"][-1] == 6000
    with pytest.raises(ValueError, match="6000"):
        ep.agent_ids_params(1, 1, range(1, 6002), ep.AGENT_IDS_MAX)
    with pytest.raises(ValueError, match="3000"):
        ep.agent_ids_params(1, 1, range(1, 3002), ep.AGENT_CALLS_IDS_MAX)
    with pytest.raises(ValueError, match="empty"):
        ep.agent_ids_params(1, 1, [], ep.AGENT_IDS_MAX)
    with pytest.raises(TypeError):
        ep.agent_ids_params(1, 1, "1001", ep.AGENT_IDS_MAX)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ep.agent_ids_params(1, 1, [1.5], ep.AGENT_IDS_MAX)  # type: ignore[list-item]
    assert ep.agent_ids(["1001", 1002], 10) == [1001, 1002]  # type: ignore[list-item]
    with pytest.raises(ValueError, match="lists an id twice"):
        ep.agent_ids([1001, "1001"], 10)  # type: ignore[list-item]


def test_agents_by_status_sends_strings() -> None:
    params = ep.agents_by_status_params(1, 2, 7, 0, 1000)
    assert params == {"ccId": "1", "vdn": "2", "status": "7", "offset": 0, "limit": 1000}
    assert "status" not in ep.agents_by_status_params(1, 2, None, 0, 10)
    with pytest.raises(ValueError, match="vdn"):
        ep.agents_by_status_params(1, 0, None, 0, 10)


def test_parse_system_state_and_sum() -> None:
    a = ep.parse_system_state(
        {"busyAgent": 1, "talkingNum": 2, "idleAgent": 3, "totalLoginAgent": 6}
    )
    b = ep.parse_system_state(
        {"busyAgent": 1, "talkingNum": 0, "idleAgent": 0, "totalLoginAgent": 1}
    )
    assert a + b == SystemState(busy_agent=2, talking_num=2, idle_agent=3, total_login_agent=7)
    assert ep.parse_system_state(None) == SystemState()


def test_a_one_record_payload_that_is_no_record_is_an_error_not_zeros() -> None:
    record = {"busyAgent": 5, "talkingNum": 1, "idleAgent": 2, "totalLoginAgent": 8}
    assert ep.parse_system_state([record]) == ep.parse_system_state(record)  # a one-item list
    assert ep.parse_system_state(None) == SystemState()  # null: nothing to count
    for payload in ("success", 0, True, [], [record, record], ["x"]):
        with pytest.raises(TypeError, match="not one record"):
            ep.parse_system_state(payload)
        with pytest.raises(TypeError, match="not one record"):
            ep.parse_team_agent_status(payload)


def test_legacy_keys_and_dump() -> None:
    raw = {"busyagent": 1, "talkingnum": 2, "Idleagent": 3, "totalloginagent": 6}
    legacy = ep.parse_legacy_system_state(raw)
    assert legacy.idle_agent == 3
    assert dump(legacy) == raw
    assert legacy.to_system_state().total_login_agent == 6


def test_legacy_idle_count_in_lower_case_is_read_too() -> None:
    lower = ep.parse_legacy_system_state({"busyagent": 1, "idleagent": 4, "totalloginagent": 5})
    assert (lower.idle_agent, lower.extra) == (4, {})
    both = ep.parse_legacy_system_state({"Idleagent": 3, "idleagent": 9})  # the documented wins
    assert (both.idle_agent, both.extra) == (3, {"idleagent": 9})


def test_agent_status_record() -> None:
    row = {
        "agentId": 101,
        "locationId": 1,
        "currentState": 3,
        "currentStateTime": 12,
        "currentStateReason": 0,
        "prevState": 1,
        "prevStateTime": 3,
        "logonTime": 1704096000000,
        "agentRelease": 0,
        "currentPrivateCallNum": 1,
        "skill": "x",
    }
    (info,) = ep.parse_agent_status([row])
    assert info.state is AgentStateKind.TALKING
    assert info.logon_time == dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone.utc)
    assert info.extra == {"skill": "x"}
    assert dump(info) == row
    out = load(AgentStatusInfo, {**row, "logonTime": 4294967295000})
    assert out.logon_time is None
    assert dump(out)["logonTime"] == 4294967295000


def test_team_status_names() -> None:
    team = ep.parse_team_agent_status({"loginEd": 5, "setBusy": 1, "wrapUpNum": 2})
    assert team == TeamAgentStatus(logged_in=5, set_busy=1, extra={"wrapUpNum": 2})
    assert team.extra == {"wrapUpNum": 2}


def test_agent_calls_nested() -> None:
    (calls,) = ep.parse_agent_calls(
        [{"agentId": 7, "callList": [{"callId": "c1", "callInOut": "2", "mediaType": "VOICE"}]}]
    )
    assert calls.call_list[0].call_in_out == 2
    assert calls.call_list[0].media_type == "VOICE"


def test_vdn_agents_page_and_by_status() -> None:
    page = ep.parse_vdn_agents({"count": 250, "agentInfo": [{"agentId": 1}]}, offset=100, limit=100)
    assert (page.page, page.size, page.total, page.items[0].agent_id) == (2, 100, 250, 1)
    assert ep.parse_agents_by_status([{"agentId": 3, "currentState": 0}])[0].state is (
        AgentStateKind.SIGNED_OUT
    )
    assert ep.parse_agents_by_status(None) == []


def test_rest_info_details() -> None:
    detail = {
        "workNo": "9",
        "agentName": "Ann",
        "cantRestReason": 2,
        "beginTime": 1704096000000,
        "restDuration": 120,
        "restX": 1,
    }
    info = ep.parse_agent_rest_info(
        {"allowRestNum": 3, "onRestNum": 1, "agentsRestDetails": [detail]}
    )
    (row,) = info.agents_rest_details
    assert (row.work_no, row.agent_name, row.cant_rest_reason) == (9, "Ann", 2)
    assert (row.begin_time, row.rest_duration) == (1704096000000, 120)
    assert row.agent_id == 9  # the earlier name reads the work number
    assert row.extra == {"restX": 1}
    assert dump(row) == {**detail, "workNo": 9}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (0, "SIGNED_OUT"),
        (1, "IDLE"),
        (5, "TALKING"),
        (6, "WRAP_UP"),
        (7, "BUSY"),
        (8, "REST"),
        (42, "UNKNOWN"),
    ],
)
def test_state_kinds(code: int, kind: str) -> None:
    assert AgentStateKind.of(code).name == kind
