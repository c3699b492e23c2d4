"""Retry policy and error mapping of AsyncNXCC, branch by branch (aioresponses)."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aioresponses import aioresponses

from nxcc_async import (
    AsyncNXCC,
    DialTarget,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TimestampError,
    TransportError,
)
from nxcc_async._core.errors import ConnectError
from tests.conftest import AK, FAST_RETRY, SK, TENANT

BASE = "http://nxcc.test"
PAGE = BASE + "/saas/cc/openapi/agent/page"
TASK = BASE + "/saas/cc/openapi/ai/createandcall"
OK = {"code": 0, "msg": "Success", "data": [], "total": 0}


def client(retry: RetryPolicy = FAST_RETRY) -> AsyncNXCC:
    return AsyncNXCC(access_key=AK, access_secret=SK, base_url=BASE, tenant_id=TENANT, retry=retry)


def count(m: aioresponses) -> int:
    return sum(len(calls) for calls in m.requests.values())


async def create_task(c: AsyncNXCC) -> None:
    await c.tasks.create_and_call(
        country="HK",
        task_name="t",
        agent_group_no="G1",
        call_list=[DialTarget(user_phone="85255550000")],
        strategy_name="s",
        predict_call_rate=1.0,
        ratio_call_rate=1.0,
        start_count=1,
    )


@pytest.mark.parametrize(
    "failure",
    [
        {"payload": {"code": 99, "msg": "System error"}},
        {"payload": {"code": 88, "msg": "Request failed"}},
        {"status": 502, "body": "bad gateway"},
        {"status": 200, "body": "<html>proxy</html>"},
        {"exception": aiohttp.ServerDisconnectedError()},
        {"exception": asyncio.TimeoutError()},
    ],
)
async def test_transient_failures_are_retried(failure: dict[str, object]) -> None:
    with aioresponses() as m:
        m.post(PAGE, **failure)  # type: ignore[arg-type]
        m.post(PAGE, **failure)  # type: ignore[arg-type]
        m.post(PAGE, payload=OK)
        async with client() as c:
            page = await c.agents.page()
    assert page.total == 0
    assert count(m) == 3


async def test_retries_stop_at_max_retries() -> None:
    with aioresponses() as m:
        m.post(PAGE, payload={"code": 99, "msg": "System error", "reqId": "z"}, repeat=True)
        async with client() as c:
            with pytest.raises(ServerError) as info:
                await c.agents.page()
    assert info.value.code == 99
    assert info.value.req_id == "z"
    assert count(m) == FAST_RETRY.max_retries + 1


async def test_stale_timestamp_is_retried_once_only() -> None:
    with aioresponses() as m:
        m.post(PAGE, payload={"code": 1004, "msg": "ts"}, repeat=True)
        async with client() as c:
            with pytest.raises(TimestampError):
                await c.agents.page()
    assert count(m) == 2


async def test_429_honours_retry_after_and_pauses_the_whole_client() -> None:
    with aioresponses() as m:
        m.post(PAGE, status=429, headers={"Retry-After": "0.3"})
        m.post(PAGE, payload=OK, repeat=True)
        async with client() as c:
            started = time.monotonic()
            await asyncio.gather(c.agents.page(), c.agents.page())
            elapsed = time.monotonic() - started
    assert count(m) == 3
    assert elapsed >= 0.3


async def test_429_exhausted_raises_rate_limit_error_with_retry_after() -> None:
    policy = RetryPolicy(max_retries=1, wait_initial=0, wait_jitter=0, retry_after_cap=0.01)
    with aioresponses() as m:
        m.post(PAGE, status=429, headers={"Retry-After": "7"}, repeat=True)
        async with client(policy) as c:
            with pytest.raises(RateLimitError) as info:
                await c.agents.page()
    assert info.value.retry_after == 7.0
    assert count(m) == 2


async def test_non_idempotent_call_is_not_retried_once_it_may_have_arrived() -> None:
    with aioresponses() as m:
        m.post(TASK, payload={"code": 99, "msg": "System error"})
        m.post(TASK, payload={"code": 0, "data": None})
        async with client() as c:
            with pytest.raises(ServerError):
                await create_task(c)
    assert count(m) == 1


async def test_non_idempotent_call_dropped_mid_flight_is_not_retried() -> None:
    with aioresponses() as m:
        m.post(TASK, exception=aiohttp.ServerDisconnectedError())
        m.post(TASK, payload={"code": 0, "data": None})
        async with client() as c:
            with pytest.raises(TransportError):
                await create_task(c)
    assert count(m) == 1


async def test_non_idempotent_call_is_retried_when_it_never_left() -> None:
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("nxcc.test", 80, False, True, None, None, None),
        OSError(111, "refused"),
    )
    with aioresponses() as m:
        m.post(TASK, exception=refused)
        m.post(TASK, payload={"code": 0, "data": None})
        async with client() as c:
            await create_task(c)
    assert count(m) == 2


async def test_connection_refused_maps_to_connect_error() -> None:
    policy = RetryPolicy(max_retries=0)
    async with AsyncNXCC(
        access_key=AK, access_secret=SK, base_url="http://127.0.0.1:9", tenant_id=1, retry=policy
    ) as c:
        with pytest.raises(ConnectError) as info:
            await c.agents.page()
    assert SK not in str(info.value)
