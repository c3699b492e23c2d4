"""AsyncNXCC against the emulator: the acceptance checks of the core client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nxcc_async import AsyncNXCC, NXCCError, RetryPolicy, ServerError, SignatureError
from nxcc_async.emulator import Emulator, Faults

AK, SK, TENANT = "core-ak", "core-secret", 144
DAY = 1_735_689_600


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(
        access_key=AK, access_secret=SK, tenant_id=TENANT, seed=5, n_agents=450
    ) as emu:
        yield emu


def client(emu: Emulator, **kwargs: object) -> AsyncNXCC:
    settings: dict[str, object] = {
        "access_key": AK,
        "access_secret": SK,
        "base_url": emu.base_url,
        "tenant_id": TENANT,
    }
    settings.update(kwargs)
    return AsyncNXCC(**settings)  # type: ignore[arg-type]


async def test_listing_450_agents_gives_450_distinct_agents(emulator: Emulator) -> None:
    async with client(emulator) as c:
        agents = await c.agents.list()
        first = await c.agents.page(1, 200)
    assert len(agents) == len({a.sip_number for a in agents}) == 450
    assert first.total == 450
    assert emulator.stats.by_path["/saas/cc/openapi/agent/page"] == 3 + 1


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
async def test_wrong_secret_is_code_1003_without_the_secret(
    emulator: Emulator, algorithm: str
) -> None:
    async with client(emulator, access_secret="wrong-secret-value", algorithm=algorithm) as c:
        with pytest.raises(SignatureError) as info:
            await c.cdrs.page(DAY, DAY + 60)
    assert isinstance(info.value, NXCCError)
    assert info.value.code == 1003
    assert "wrong-secret-value" not in str(info.value)
    assert "wrong-secret-value" not in repr(info.value)
    assert emulator.stats.total == 1  # an authentication failure is not retried


async def test_code_99_on_half_the_requests_still_succeeds(emulator: Emulator) -> None:
    emulator.faults = Faults(code99=0.5)
    policy = RetryPolicy(max_retries=12, wait_initial=0.0, wait_max=0.005, wait_jitter=0.0)
    async with client(emulator, retry=policy) as c:
        agents = await c.agents.list(page_size=50)
        ids = [r.call_id async for r in c.cdrs.iter(DAY, DAY + 86_399)]
    assert len(agents) == 450
    assert len(ids) == len(set(ids)) == 1000
    assert emulator.stats.faults["code99"] > 5
    assert emulator.stats.total > 9 + 11


async def test_code_99_without_retries_raises_server_error(emulator: Emulator) -> None:
    emulator.faults = Faults(code99=1.0)
    async with client(emulator, max_retries=0) as c:
        with pytest.raises(ServerError) as info:
            await c.agents.page()
    assert info.value.code == 99
    assert info.value.req_id
