"""Bad arguments raise ValueError/TypeError before anything is sent; settings and secrets."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aioresponses import aioresponses

from nxcc_async import APIError, AsyncNXCC, RateLimitError, Region, SignatureError
from tests.conftest import AK, SK, TENANT

BASE = "http://nxcc.test"
NAIVE = dt.datetime(2024, 1, 1)
AWARE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

Call = Callable[[AsyncNXCC], Awaitable[Any]]

BAD_CALLS: list[tuple[str, Call, type[Exception]]] = [
    ("agent page size over 200", lambda c: c.agents.page(size=201), ValueError),
    ("agent page 0", lambda c: c.agents.page(page=0), ValueError),
    ("cdr page size over 100", lambda c: c.cdrs.page(0, 10, size=101), ValueError),
    ("end before start", lambda c: c.cdrs.page(10, 5), ValueError),
    ("naive start", lambda c: c.cdrs.page(NAIVE, AWARE), ValueError),
    ("milliseconds", lambda c: c.cdrs.page(1_690_000_000_000, 1_690_000_000_001), ValueError),
    ("string time", lambda c: c.cdrs.page("2024-01-01", AWARE), TypeError),  # type: ignore[arg-type]
    ("bad direction", lambda c: c.cdrs.page(0, 10, direction="sideways"), ValueError),
    ("empty queue number", lambda c: c.queues.update_members(" ", ["NX1"]), ValueError),
    ("empty members", lambda c: c.queues.update_members("Q1", []), ValueError),
    ("members as a string", lambda c: c.queues.update_members("Q1", "NX1"), TypeError),
    ("duplicate members", lambda c: c.queues.update_members("Q1", ["a", "a"]), ValueError),
    ("status with naive end", lambda c: c.agents.status("NX1", AWARE, NAIVE), ValueError),
    ("size as str", lambda c: c.agents.page(size="10"), TypeError),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("label", "call", "error"), BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
async def test_bad_input_raises_before_sending(
    label: str, call: Call, error: type[Exception]
) -> None:
    with aioresponses() as m:
        async with AsyncNXCC(access_key=AK, access_secret=SK, base_url=BASE, tenant_id=TENANT) as c:
            with pytest.raises(error):
                await call(c)
    assert m.requests == {}


def test_iterators_check_arguments_when_created() -> None:
    c = AsyncNXCC(access_key=AK, access_secret=SK, base_url=BASE, tenant_id=TENANT)
    with pytest.raises(ValueError, match="size"):
        c.cdrs.iter(0, 10, page_size=500)
    with pytest.raises(ValueError, match="end"):
        c.cdrs.iter(10, 0)


async def test_missing_tenant_is_a_clear_error() -> None:
    async with AsyncNXCC(access_key=AK, access_secret=SK, base_url=BASE) as c:
        with pytest.raises(ValueError, match="NXCC_TENANT_ID"):
            await c.agents.page()


def test_regions_and_base_url() -> None:
    assert AsyncNXCC(access_key=AK, access_secret=SK).base_url == "https://api-hk.nxlink.ai"
    assert (
        AsyncNXCC(access_key=AK, access_secret=SK, region=Region.AMER).base_url
        == "https://chl-api.nxlink.ai"
    )
    assert AsyncNXCC(access_key=AK, access_secret=SK, region="idn").base_url.endswith(
        "idn.nxlink.ai"
    )
    assert AsyncNXCC(access_key=AK, access_secret=SK, region="legacy").base_url == (
        "https://api2.nxcloud.com"
    )
    with pytest.raises(ValueError, match="unknown region"):
        AsyncNXCC(access_key=AK, access_secret=SK, region="mars")
    with pytest.raises(ValueError, match="not both"):
        AsyncNXCC(access_key=AK, access_secret=SK, region="hk", base_url=BASE)
    with pytest.raises(ValueError, match="algorithm"):
        AsyncNXCC(access_key=AK, access_secret=SK, algorithm="sha1")  # type: ignore[arg-type]


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NXCC_ACCESS_KEY", "envak")
    monkeypatch.setenv("NXCC_ACCESS_SECRET", "envsecret")
    monkeypatch.setenv("NXCC_BASE_URL", "http://127.0.0.1:1/")
    monkeypatch.setenv("NXCC_TENANT_ID", "77")
    c = AsyncNXCC.from_env(max_concurrency=3)
    assert (c.access_key, c.base_url, c.tenant_id, c.max_concurrency) == (
        "envak",
        "http://127.0.0.1:1",
        77,
        3,
    )
    assert "envsecret" not in repr(c)
    monkeypatch.setenv("NXCC_TENANT_ID", "x")
    with pytest.raises(ValueError, match="NXCC_TENANT_ID"):
        AsyncNXCC.from_env()
    monkeypatch.delenv("NXCC_ACCESS_SECRET")
    with pytest.raises(ValueError, match="NXCC_ACCESS_SECRET"):
        AsyncNXCC.from_env()


def test_secret_never_shows() -> None:
    c = AsyncNXCC(access_key=AK, access_secret=SK, base_url=BASE, tenant_id=TENANT)
    assert SK not in repr(c)
    assert SK not in str(vars(c))
    assert SK not in str(vars(c._wire))
    with pytest.raises(TypeError):
        pickle.dumps(c._wire._secret)


def test_errors_pickle_with_their_fields() -> None:
    err = pickle.loads(
        pickle.dumps(SignatureError(1003, "sign", req_id="r", endpoint="agent/page"))
    )
    assert isinstance(err, SignatureError)
    assert (err.code, err.msg, err.req_id, err.endpoint) == (1003, "sign", "r", "agent/page")
    rate = pickle.loads(pickle.dumps(RateLimitError(retry_after=2.5)))
    assert rate.retry_after == 2.5
    assert isinstance(rate, APIError)
