"""A local clock 2 minutes or 1 hour off: every scenario still passes, against both vendors'
emulators, with one extra request at most per client (the first, rejected timestamp)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nxcc_async import NXCC, AsyncNXCC, AttemptEvent
from nxcc_async.cec import AsyncCEC
from nxcc_async.emulator import Emulator
from tests.conftest import FAST_RETRY
from tests.scenarios import SCENARIOS
from tests.test_scenarios import AK, SK, TENANT, resolve

CEC_AK, CEC_SK = "skew-cec-ak", "skew-cec-sk"
SKEWS = [120.0, -120.0, 3600.0, -3600.0]
NXCC_WINDOW, CEC_WINDOW = 60.0, 15 * 60.0  # the timestamps each server accepts


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator.in_thread(
        access_key=AK, access_secret=SK, tenant_id=TENANT, seed=11, n_agents=450,
        cec_access_key=CEC_AK, cec_secret_key=CEC_SK,
    ) as emu:  # fmt: skip
        yield emu


def rejected(events: list[AttemptEvent]) -> int:
    return sum(e.error is not None and "Timestamp" in e.error for e in events)


def check_healed(events: list[AttemptEvent], offset: float, skew: float, window: float) -> None:
    if abs(skew) <= window:  # inside the server's window: nothing to heal
        assert rejected(events) == 0
        assert offset == 0.0
    else:
        assert rejected(events) == 1
        assert len(events) == sum(e.ok for e in events) + 1  # no other failed attempt
        assert abs(offset + skew) < 2


@pytest.mark.parametrize("blocking", [False, True], ids=["async", "blocking"])
@pytest.mark.parametrize("skew", SKEWS)
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_nxcc_scenarios_with_a_skewed_clock(
    name: str, skew: float, blocking: bool, emulator: Emulator
) -> None:
    events: list[AttemptEvent] = []
    settings: dict[str, Any] = {
        "access_key": AK, "access_secret": SK, "tenant_id": TENANT, "retry": FAST_RETRY,
        "base_url": emulator.base_url, "clock": lambda: time.time() + skew,
        "on_attempt": events.append, "max_concurrency": 8,
    }  # fmt: skip
    if blocking:
        with NXCC(**settings) as client:
            await SCENARIOS[name](client, emulator, resolve)
            offset = client.async_client.clock_offset
    else:
        async with AsyncNXCC(**settings) as async_client:
            await SCENARIOS[name](async_client, emulator, resolve)
            offset = async_client.clock_offset
    check_healed(events, offset, skew, NXCC_WINDOW)


CEC_CALLS: dict[str, Callable[[AsyncCEC], Any]] = {
    "system_state": lambda c: c.system_state(1, 1),
    "system_state_total": lambda c: c.system_state_total(1, 1, 20),
    "legacy_system_state": lambda c: c.legacy_system_state(1, 1),
    "vdn_agents": lambda c: c.vdn_agents(1, 1, 50),
    "agents_by_status": lambda c: c.agents_by_status(1, 1),
    "agent_rest_info": lambda c: c.agent_rest_info(1, 1),
}


@pytest.mark.parametrize("skew", SKEWS)
@pytest.mark.parametrize("name", list(CEC_CALLS))
async def test_cec_calls_with_a_skewed_clock(name: str, skew: float, emulator: Emulator) -> None:
    events: list[AttemptEvent] = []

    def clock() -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=skew)

    async with AsyncCEC(
        emulator.base_url, CEC_AK, CEC_SK, clock=clock, retry=FAST_RETRY, on_attempt=events.append
    ) as cec:
        first = await CEC_CALLS[name](cec)
        assert await CEC_CALLS[name](cec) == first  # and again, healed
        offset = cec.clock_offset
    check_healed(events, offset, skew, CEC_WINDOW)
