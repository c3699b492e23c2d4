"""Notebook use: an emulator without a ``with`` block, and a blocking client that refuses at
once to block the event loop serving the emulator it talks to (instead of timing out)."""

from __future__ import annotations

import time

import pytest

from nxcc_async import NXCC
from nxcc_async.cec import CEC
from nxcc_async.emulator import Emulator

AK, SK, TENANT = "nb-ak", "nb-sk", 144


async def test_blocking_call_to_an_emulator_on_this_loop_raises_at_once() -> None:
    async with Emulator(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=3) as emu:
        client = NXCC(access_key=AK, access_secret=SK, base_url=emu.base_url, tenant_id=TENANT)
        began = time.monotonic()
        with pytest.raises(RuntimeError) as caught:
            client.agents.list()
        assert time.monotonic() - began < 1.0
        assert str(caught.value) == (
            f"this blocking client talks to {emu.base_url}, which is served by the event loop "
            "running in this thread (an Emulator started with 'await emu.start()' or "
            "'async with Emulator(...)'); a blocking call would stop that loop and wait for "
            "ever. Use the async client here (async with AsyncNXCC(...) / AsyncCEC(...)), or "
            "run the emulator in its own thread: Emulator.start_in_thread(...) or "
            "'with Emulator.in_thread(...)'"
        )
        with pytest.raises(RuntimeError, match="served by the event loop running in this thread"):
            list(client.cdrs.iter(1_735_689_600, 1_735_693_200))
        cec = CEC(emu.base_url, "cec-ak", "cec-sk")
        with pytest.raises(RuntimeError, match=r"Emulator\.start_in_thread"):
            cec.system_state(cc_id=1, vdn=1, offset=0, limit=10)
        cec.close()
        client.close()


async def test_a_thread_emulator_serves_blocking_calls_from_a_thread_with_a_loop() -> None:
    emu = Emulator.start_in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=3)
    try:
        with NXCC(
            access_key=AK, access_secret=SK, base_url=emu.base_url, tenant_id=TENANT
        ) as client:
            assert len(client.agents.list()) == len(emu.data.agents)
    finally:
        emu.stop()
    emu.stop()  # twice is fine
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url


async def test_stop_of_an_emulator_on_the_loop_says_how_to_stop_it() -> None:
    emu = Emulator(access_key=AK, access_secret=SK, tenant_id=TENANT)
    await emu.start()
    with pytest.raises(RuntimeError, match=r"await emu\.aclose\(\)"):
        emu.stop()
    await emu.aclose()
    emu.stop()  # stopped: nothing to do
