"""AsyncCEC against the emulator over loopback: every interface, auth-v2 checked independently."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from nxcc_async import AttemptEvent
from nxcc_async._core.errors import AuthError, PermissionDeniedError, ValidationError
from nxcc_async._core.retry import RetryPolicy
from nxcc_async.cec import AsyncCEC, SystemState
from nxcc_async.cec import endpoints as ep
from nxcc_async.cec.signing import authorization
from nxcc_async.emulator import Emulator
from nxcc_async.emulator.cec import CECService
from nxcc_async.emulator.cec_data import system_counts, team_counts

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


def _state(counts: dict[str, int]) -> SystemState:
    return SystemState(
        busy_agent=counts["busyAgent"],
        talking_num=counts["talkingNum"],
        idle_agent=counts["idleAgent"],
        total_login_agent=counts["totalLoginAgent"],
    )


async def test_system_state_page_counts_equal_its_agents(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 3)
    for offset in (0, 100, 200):
        state = await cec.system_state(1, 3, offset=offset, limit=100)
        assert state == _state(system_counts(agents[offset : offset + 100]))
        page = await cec.vdn_agents_page(1, 3, offset=offset, limit=100)
        assert [a.agent_id for a in page] == [a.agent_id for a in agents[offset : offset + 100]]
        assert sum(a.state.signed_in for a in page) == state.total_login_agent


async def test_total_does_not_stop_at_an_all_zero_page(emu: Emulator, cec: AsyncCEC) -> None:
    assert await cec.system_state(1, 1, offset=100, limit=100) == SystemState()
    assert (await cec.system_state(1, 1, offset=200, limit=100)).total_login_agent > 0
    expected = _state(system_counts(emu.cec.agents(1, 1)))
    assert await cec.system_state_total(1, 1) == expected
    assert await cec.system_state_total(1, 1, page_size=7) == expected
    assert (await cec.legacy_system_state(1, 1)).to_system_state() == expected


async def test_total_with_a_known_agent_count_skips_the_count_call(
    emu: Emulator, cec: AsyncCEC
) -> None:
    agents = emu.cec.agents(1, 2)
    emu.reset_stats()
    total = await cec.system_state_total(1, 2, page_size=100, agent_count=len(agents))
    assert total == _state(system_counts(agents))
    assert emu.stats.total == -(-len(agents) // 100)


async def test_agent_status_and_team_counts(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(2, 9)
    ids = [a.agent_id for a in agents[:150]]
    rows = await cec.agent_status(2, 9, ids)
    assert [r.agent_id for r in rows] == ids
    assert [r.current_state for r in rows] == [a.state for a in agents[:150]]
    assert all((r.logon_time is None) == (r.current_state == 0) for r in rows)
    team = await cec.team_agent_status(2, 9, ids)
    counts = team_counts(agents[:150])
    assert (team.logged_in, team.talking, team.idle, team.set_busy, team.rest) == (
        counts["loginEd"],
        counts["talking"],
        counts["idle"],
        counts["setBusy"],
        counts["rest"],
    )
    state = await cec.system_state(2, 9, 0, 100)
    team100 = await cec.team_agent_status(2, 9, ids[:100])
    assert (team100.logged_in, team100.idle) == (state.total_login_agent, state.idle_agent)


async def test_rest_info_and_calls(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 4)
    rest = await cec.agent_rest_info(1, 4, offset=0, limit=100)
    assert rest.on_rest_num == sum(a.state == 8 for a in agents[:100])
    assert len(rest.agents_rest_details) == rest.on_rest_num
    calls = await cec.agent_calls(1, 4, [a.agent_id for a in agents[:50]])
    talking = {a.agent_id for a in agents[:50] if a.talking}
    assert {c.agent_id for c in calls if c.call_list} == talking


async def test_all_agents_of_a_vdn_concurrently(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 5)
    got = await cec.vdn_agents(1, 5, page_size=40)
    assert [a.agent_id for a in got] == [a.agent_id for a in agents]
    assert len(await cec.vdn_agents(1, 5)) == len(agents)


async def test_agents_by_status(emu: Emulator, cec: AsyncCEC) -> None:
    agents = emu.cec.agents(1, 6)
    idle = await cec.agents_by_status(1, 6, status=1)
    assert [a.agent_id for a in idle] == [a.agent_id for a in agents if a.state == 1]
    some = await cec.agents_by_status(1, 6, offset=10, limit=5)
    assert [a.agent_id for a in some] == [a.agent_id for a in agents[10:15]]


async def test_signed_header_sets_are_all_accepted(emu: Emulator) -> None:
    for names in (("host",), ("host", "content-type"), ("host", "content-type", "content-length")):
        async with AsyncCEC(emu.base_url, AK, SK, signed_headers=names) as client:
            assert (await client.system_state(1, 1, 0, 5)).total_login_agent >= 0


async def test_wrong_secret_is_auth_error_without_secrets(emu: Emulator) -> None:
    async with AsyncCEC(emu.base_url, AK, "not-the-secret", retry=FAST) as client:
        with pytest.raises(AuthError) as info:
            await client.system_state(1, 1)
    for text in (str(info.value), repr(info.value)):
        assert "not-the-secret" not in text
        assert SK not in text
        assert "auth-v2" not in text
    assert info.value.status == 401


async def test_wrong_access_key_is_auth_error(emu: Emulator) -> None:
    async with AsyncCEC(emu.base_url, "other-ak", SK, retry=FAST) as client:
        with pytest.raises(AuthError):
            await client.vdn_agents_page(1, 1)


async def test_server_side_parameter_error_is_0100002(cec: AsyncCEC) -> None:
    with pytest.raises(ValidationError) as info:
        await cec.call(ep.SYSTEM_STATE, {"ccId": 1, "vdn": 1, "offset": 0, "limit": 500})
    assert info.value.code == "0100002"
    with pytest.raises(ValidationError):
        await cec.call(ep.AGENTS_BY_STATUS, {"ccId": "1", "vdn": "x", "offset": 0, "limit": 1})
    with pytest.raises(ValidationError):  # flat body sent to a wrapped interface
        await cec.call(ep.AGENT_STATUS, {"queryParam": {"ccId": 1}})


async def test_call_center_of_another_tenant_is_permission_denied(cec: AsyncCEC) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        await cec.system_state(500, 1)
    assert info.value.code == "0101003"


@pytest.fixture
def make_server() -> Callable[..., TestServer]:
    def make(**kwargs: Any) -> TestServer:
        app = web.Application()
        CECService(access_key=AK, secret_key=SK, seed=1, **kwargs).add_routes(app)
        return TestServer(app)

    return make


@pytest.mark.parametrize(("skew_min", "ok"), [(-14, True), (14, True), (-16, False), (16, False)])
async def test_clock_skew_window_is_15_minutes_and_the_client_heals(
    make_server: Callable[..., TestServer], skew_min: int, ok: bool
) -> None:
    def clock() -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=skew_min)

    events: list[AttemptEvent] = []
    async with make_server() as server:
        base = str(server.make_url("")).rstrip("/")
        async with AsyncCEC(base, AK, SK, clock=clock, retry=FAST, on_attempt=events.append) as c:
            await c.system_state(1, 1)
            await c.system_state(1, 1)
            offset = c.clock_offset
    if ok:  # inside the window: accepted as signed
        assert [e.ok for e in events] == [True, True]
        assert offset == 0.0
    else:  # outside: rejected once as a stale timestamp, then signed with the server's clock
        assert [(e.ok, e.error) for e in events] == [
            (False, "CECTimestampError"),
            (True, None),
            (True, None),
        ]
        assert abs(offset + skew_min * 60) < 2


async def test_host_override_behind_a_rewriting_balancer(
    make_server: Callable[..., TestServer],
) -> None:
    async with make_server(signed_host="10.0.0.9:28080") as server:
        base = str(server.make_url("")).rstrip("/")
        async with AsyncCEC(base, AK, SK, retry=FAST) as plain:
            with pytest.raises(AuthError):
                await plain.system_state(1, 1)
        async with AsyncCEC(base, AK, SK, host="10.0.0.9:28080") as pinned:
            await pinned.system_state(1, 1)


async def test_raw_requests_rejected_with_401(make_server: Callable[..., TestServer]) -> None:
    body = ep.SYSTEM_STATE.body(ep.system_state_params(1, 1, 0, 10))
    async with make_server() as server, aiohttp.ClientSession() as session:
        url = server.make_url(ep.SYSTEM_STATE.full_path)
        host = f"{server.host}:{server.port}"
        now = dt.datetime.now(dt.timezone.utc)

        def auth(**kw: Any) -> str:
            args: dict[str, Any] = {
                "access_key": AK,
                "secret_key": SK,
                "now": now,
                "method": "POST",
                "path": ep.SYSTEM_STATE.full_path,
                "headers": {"host": host},
                "body": body,
            }
            return authorization(**{**args, **kw})

        good = auth()
        cases = {
            "missing": {},
            "garbage": {"Authorization": "Bearer abc"},
            "tampered body": {"Authorization": auth(body=body.replace(b"10", b"11"))},
            "bad time": {"Authorization": good.replace(good.split("/")[2], "yesterday")},
            "signed header not sent": {
                "Authorization": auth(
                    headers={"content-type": ep.CONTENT_TYPE}, signed_headers=("content-type",)
                ),
            },
        }
        for name, headers in cases.items():
            async with session.post(url, data=body, headers=headers) as resp:
                assert resp.status == 401, name
                assert SK not in await resp.text()
        # any set of the candidate headers may be signed, host among them or not
        without_host = auth(
            headers={"content-type": ep.CONTENT_TYPE}, signed_headers=("content-type",)
        )
        for headers in (
            {"Authorization": good},
            {"Authorization": without_host, "Content-Type": ep.CONTENT_TYPE},
        ):
            async with session.post(url, data=body, headers=headers) as resp:
                assert resp.status == 200
                assert (await resp.json())["resultCode"] == "0100000"


def test_emulator_data_is_deterministic_per_seed() -> None:
    one = CECService(access_key=AK, secret_key=SK, seed=7)
    two = CECService(access_key=AK, secret_key=SK, seed=7)
    other = CECService(access_key=AK, secret_key=SK, seed=8)
    assert one.agents(1, 1) == two.agents(1, 1)
    assert one.agents(1, 1) != other.agents(1, 1)
    assert all(a.state == 0 for a in one.agents(1, 1)[100:200])
    assert SK not in repr(one)
