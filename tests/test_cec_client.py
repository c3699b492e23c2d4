"""AsyncCEC on a mocked transport: checks before sending, headers, re-signing, no secret leaks."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import ssl
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from aioresponses import aioresponses
from yarl import URL

from nxcc_async._core.errors import AuthError
from nxcc_async._core.retry import RetryPolicy
from nxcc_async.cec import AsyncCEC
from nxcc_async.cec.signing import authorization

BASE = "https://10.22.26.181:28080"
URL_STATE = BASE + "/rest/cmsapp/v1/openapi/agentgroup/systemstate"
SK = "test-secret-key"
FAST = RetryPolicy(max_retries=2, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
OK = {
    "result": "0",
    "resultCode": "0100000",
    "resultDatas": {"busyAgent": 1, "talkingNum": 2, "idleAgent": 3, "totalLoginAgent": 6},
    "resultDesc": {"busyAgent": 1, "talkingNum": 2, "idleAgent": 3, "totalLoginAgent": 6},
}
T0 = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def _ticking() -> Callable[[], dt.datetime]:
    counter = itertools.count()
    return lambda: T0 + dt.timedelta(seconds=next(counter))


def _sent(m: aioresponses, url: str = URL_STATE) -> list[Any]:
    return m.requests.get(("POST", URL(url)), [])


async def test_seed_call_headers_and_body() -> None:
    async with AsyncCEC(BASE, "globalaktest", SK, clock=lambda: T0, retry=FAST) as cec:
        with aioresponses() as m:
            m.post(URL_STATE, body=orjson.dumps(OK))
            state = await cec.system_state(1, 1, offset=0, limit=10)
        (call,) = _sent(m)
    assert state.total_login_agent == 6
    body = call.kwargs["data"]
    headers = call.kwargs["headers"]
    assert body == b'{"queryParam":{"ccId":1,"vdn":1,"offset":0,"limit":10}}'
    assert headers["Host"] == "10.22.26.181:28080"
    assert headers["Content-Type"] == "application/json;charset=UTF-8"
    assert headers["Content-Length"] == "55"
    # the spec's first vector: same key, time, path, host and body
    assert headers["Authorization"] == (
        "auth-v2/globalaktest/2024-01-02T03:04:05Z/host/"
        "d45603ec63bdb1c57b17c019f3995c19e5920effa025d9e06a6a1ed321d1c78d"
    )


async def test_three_signed_headers_give_the_second_vector() -> None:
    cec = AsyncCEC(
        BASE,
        "globalaktest",
        SK,
        signed_headers=("content-length", "Content-Type", "host"),
        clock=lambda: T0,
    )
    async with cec:
        with aioresponses() as m:
            m.post(URL_STATE, body=orjson.dumps(OK))
            await cec.system_state(1, 1, 0, 10)
    assert (
        _sent(m)[0]
        .kwargs["headers"]["Authorization"]
        .endswith(
            "/content-length;content-type;host/"
            "100ebf66f0332cd2218d23f0c53665d0fb24793b7dba0553d4cfc61503f298d1"
        )
    )


async def test_every_attempt_is_signed_afresh() -> None:
    async with AsyncCEC(BASE, "ak", SK, clock=_ticking(), retry=FAST) as cec:
        with aioresponses() as m:
            m.post(URL_STATE, status=503, body=b"busy")
            m.post(URL_STATE, body=orjson.dumps({"resultCode": "0100999", "resultDesc": "?"}))
            m.post(URL_STATE, body=orjson.dumps(OK))
            await cec.system_state(1, 1)
        calls = _sent(m)
    stamps = [c.kwargs["headers"]["Authorization"].split("/")[2] for c in calls]
    assert stamps == ["2024-01-02T03:04:05Z", "2024-01-02T03:04:06Z", "2024-01-02T03:04:07Z"]
    assert len({c.kwargs["headers"]["Authorization"] for c in calls}) == 3


async def test_host_override_signs_the_given_host_but_sends_the_real_one() -> None:
    cec = AsyncCEC(BASE, "ak", SK, host="backend.local:8443", clock=lambda: T0)
    async with cec:
        with aioresponses() as m:
            m.post(URL_STATE, body=orjson.dumps(OK))
            await cec.system_state(1, 1)
    (call,) = _sent(m)
    headers = call.kwargs["headers"]
    assert headers["Host"] == "10.22.26.181:28080"
    assert headers["Authorization"] == authorization(
        access_key="ak",
        secret_key=SK,
        now=T0,
        method="POST",
        path="/rest/cmsapp/v1/openapi/agentgroup/systemstate",
        headers={"host": "backend.local:8443"},
        body=call.kwargs["data"],
    )


@pytest.mark.parametrize(
    ("method", "args", "exc"),
    [
        ("system_state", (0, 1), ValueError),
        ("system_state", (1, 5001), ValueError),
        ("system_state", (1, 1, -1), ValueError),
        ("system_state", (1, 1, 0, 101), ValueError),
        ("system_state", ("1", 1), TypeError),
        ("system_state_total", (1, 1, 0), ValueError),
        ("legacy_system_state", (70000, 1), ValueError),
        ("agent_status", (1, 1, list(range(1, 6002))), ValueError),
        ("agent_status", (1, 1, []), ValueError),
        ("team_agent_status", (1, 1, list(range(1, 6002))), ValueError),
        ("agent_calls", (1, 1, list(range(1, 3002))), ValueError),
        ("agent_rest_info", (1, 1, 0, 0), ValueError),
        ("vdn_agents_page", (1, 1, 0, 1001), ValueError),
        ("vdn_agents", (1, 1, 0), ValueError),
        ("agents_by_status", (1, 1, None, 0, 1001), ValueError),
        ("agents_by_status", (1, 1, -1), ValueError),
    ],
)
async def test_bad_arguments_raise_before_sending(
    method: str, args: tuple[Any, ...], exc: type[Exception]
) -> None:
    async with AsyncCEC(BASE, "ak", SK) as cec:
        with aioresponses() as m:
            with pytest.raises(exc):
                await getattr(cec, method)(*args)
            assert m.requests == {}


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"base_url": "10.0.0.5:28080"}, ValueError),
        ({"access_key": ""}, ValueError),
        ({"secret_key": ""}, ValueError),
        ({"signed_headers": ("host", "x-date")}, ValueError),
        ({"signed_headers": "host"}, TypeError),
        ({"signed_headers": ()}, ValueError),
        ({"host": " "}, ValueError),
        ({"max_concurrency": 0}, ValueError),
    ],
)
def test_bad_settings(kwargs: dict[str, Any], exc: type[Exception]) -> None:
    args: dict[str, Any] = {"base_url": BASE, "access_key": "ak", "secret_key": SK, **kwargs}
    with pytest.raises(exc):
        AsyncCEC(**args)


async def test_ssl_context_and_ca_bundle_accepted(tmp_path: Any) -> None:
    async with AsyncCEC(BASE, "ak", SK, ssl=ssl.create_default_context()):
        pass
    with pytest.raises(FileNotFoundError):
        AsyncCEC(BASE, "ak", SK, ssl=str(tmp_path / "missing.pem"))


async def test_401_is_auth_error_and_leaks_nothing() -> None:
    async with AsyncCEC(BASE, "ak", SK, clock=lambda: T0, retry=FAST) as cec:
        with aioresponses() as m:
            m.post(URL_STATE, status=401, body=b'{"error":"Unauthorized"}')
            with pytest.raises(AuthError) as info:
                await cec.system_state(1, 1)
        (call,) = _sent(m)  # not retried
    signature = call.kwargs["headers"]["Authorization"].rsplit("/", 1)[1]
    for text in (str(info.value), repr(info.value), repr(cec)):
        assert SK not in text
        assert signature not in text
        assert "auth-v2" not in text


def test_repr_shows_no_secret() -> None:
    cec = AsyncCEC(BASE, "ak", SK)
    assert SK not in repr(cec)
    assert SK not in str(vars(cec))
    assert re.fullmatch(r"AsyncCEC\(base_url='https://10\.22\.26\.181:28080'.*\)", repr(cec))
