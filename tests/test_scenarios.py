"""The scenario table, run through the async client and the blocking facade, md5 and sha256,
against the emulator serving from its own thread over loopback."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from nxcc_async import NXCC, AsyncNXCC
from nxcc_async.emulator import Emulator
from tests.conftest import FAST_RETRY
from tests.scenarios import SCENARIOS, Scenario

AK, SK, TENANT = "scenario-ak", "scenario-secret", 144


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator.in_thread(
        access_key=AK, access_secret=SK, tenant_id=TENANT, seed=11, n_agents=450
    ) as emu:
        yield emu


async def resolve(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    if isinstance(value, AsyncIterator):
        return [item async for item in value]
    if isinstance(value, Iterator):
        return list(value)
    return value


SETTINGS = {"access_key": AK, "access_secret": SK, "tenant_id": TENANT, "retry": FAST_RETRY}


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_async(name: str, algorithm: str, emulator: Emulator) -> None:
    scenario: Scenario = SCENARIOS[name]
    async with AsyncNXCC(base_url=emulator.base_url, algorithm=algorithm, **SETTINGS) as client:  # type: ignore[arg-type]
        await scenario(client, emulator, resolve)


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_blocking(name: str, algorithm: str, emulator: Emulator) -> None:
    scenario: Scenario = SCENARIOS[name]
    with NXCC(base_url=emulator.base_url, algorithm=algorithm, **SETTINGS) as client:  # type: ignore[arg-type]
        await scenario(client, emulator, resolve)
