"""The blocking facade's lifecycle: early exits, wrong threads, closing, Ctrl-C, exit backstop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

from nxcc_async import NXCC, AsyncNXCC, SignatureError
from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async.emulator import Emulator
from tests.conftest import FAST_RETRY

AK, SK = "life-ak", "life-secret"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=144, seed=3) as emu:
        yield emu


def client(emu: Emulator, **kwargs: object) -> NXCC:
    settings: dict[str, object] = {
        "access_key": AK,
        "access_secret": SK,
        "base_url": emu.base_url,
        "tenant_id": 144,
        "retry": FAST_RETRY,
    }
    settings.update(kwargs)
    return NXCC(**settings)  # type: ignore[arg-type]


async def _other_tasks() -> int:
    return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()])


def test_breaking_out_of_an_iterator_closes_it(emulator: Emulator) -> None:
    with client(emulator) as c:
        baseline = c._portal.call(_other_tasks)
        for _agent in c.agents.iter(page_size=10):
            break
        assert c._portal.call(_other_tasks) == baseline
        for _cdr in c.cdrs.harvest(1_735_689_600, 1_735_689_600 + 86_400 * 3):
            break
        assert c._portal.call(_other_tasks) == baseline


def test_iterators_cross_the_portal_once_per_page(emulator: Emulator) -> None:
    with client(emulator) as c:
        crossings = 0
        portal = c._portal._portal  # the client's Lease -> its Portal
        real_call = portal.call

        def counting_call(fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal crossings
            crossings += 1
            return real_call(fn, *args, **kwargs)

        portal.call = counting_call  # type: ignore[method-assign]
        agents = list(c.agents.iter(page_size=50))
        pages = -(-len(emulator.data.agents) // 50)
        assert len(agents) == len(emulator.data.agents)
        assert crossings == pages + 1  # one per page, one to learn the stream ended


def test_calling_from_the_portal_thread_is_a_clear_error(emulator: Emulator) -> None:
    with client(emulator) as c:

        async def nested() -> None:
            c.agents.page()

        with pytest.raises(RuntimeError, match="own event-loop thread"):
            c._portal.call(nested)


def test_errors_cross_unchanged_and_hold_no_secret(emulator: Emulator) -> None:
    with (
        client(emulator, access_secret="not-the-secret") as c,
        pytest.raises(SignatureError) as info,
    ):
        c.agents.page()
    assert info.value.code == 1003
    assert "not-the-secret" not in str(info.value)


def test_a_client_nobody_names_stays_open_while_what_it_made_is_in_use(
    emulator: Emulator,
) -> None:
    everyone = len(emulator.data.agents)
    assert len(client(emulator).agents.list()) == everyone  # the client is gone after `.agents`
    agents = client(emulator).agents
    iterator = client(emulator).agents.iter(page_size=50)
    portals = [agents._portal._portal, iterator.gi_frame.f_locals["self"]]  # type: ignore[attr-defined]
    gc.collect()
    assert not any(p.closed for p in portals)
    assert len(agents.list()) == everyone
    assert sum(1 for _ in iterator) == everyone
    del agents, iterator
    gc.collect()
    assert all(p.closed for p in portals)  # closed once nothing made from them is in use


def test_the_blocking_client_reads_every_property_of_the_async_one(emulator: Emulator) -> None:
    names = [n for n, v in vars(AsyncNXCC).items() if isinstance(v, property)]
    names += [n for n, v in vars(AsyncClient).items() if isinstance(v, property)]
    assert {"base_url", "access_key", "max_concurrency", "clock_offset"} <= set(names)
    with client(emulator) as c:
        for name in names:
            assert getattr(c, name) == getattr(c.async_client, name), name


def test_close_is_idempotent_and_final(emulator: Emulator) -> None:
    c = client(emulator)
    assert c.agents.page(1, 5).total == len(emulator.data.agents)
    c.close()
    c.close()
    with pytest.raises(RuntimeError, match="closed"):
        c.agents.page()


def test_a_call_running_when_another_thread_closes_the_client_says_so(
    emulator: Emulator,
) -> None:
    async def waits() -> None:  # work that only the loop's end stops
        await asyncio.Event().wait()

    c = client(emulator)
    threading.Timer(0.3, c.close).start()
    with pytest.raises(RuntimeError, match="closed while this call was running"):
        c._portal.call(waits)


def test_works_inside_a_running_event_loop(emulator: Emulator) -> None:
    async def main() -> int:
        with client(emulator) as c:
            return len(c.agents.list())

    assert asyncio.run(main()) == len(emulator.data.agents)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_blocking_call(emulator: Emulator) -> None:
    emulator.latency = 3.0
    try:
        with client(emulator) as c:
            timer = threading.Timer(
                0.3, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT)
            )
            timer.start()
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                c.agents.page()
            assert time.monotonic() - started < 2.0
            timer.join()
    finally:
        emulator.latency = 0.0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_in_a_blocking_loop_is_a_keyboard_interrupt(emulator: Emulator) -> None:
    emulator.latency = 0.2
    try:
        with client(emulator) as c:
            for _ in range(3):  # the interrupt lands at a different point of the loop each time
                timer = threading.Timer(
                    0.45, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT)
                )
                timer.start()
                with pytest.raises(KeyboardInterrupt):
                    for _agent in c.agents.iter(page_size=10):
                        pass
                timer.join()
            assert c.agents.page(1, 5).total == len(emulator.data.agents)  # still usable
    finally:
        emulator.latency = 0.0


def test_work_cancelled_before_it_began_is_let_go_without_a_warning() -> None:
    from nxcc_async._core.portal import _Crossing

    async def work() -> int:
        return 1

    async def main() -> _Crossing[int]:
        crossing = _Crossing(work())
        crossing.start()
        crossing.cancel()  # a Ctrl-C that reached the loop before the task's first step
        await asyncio.sleep(0)
        return crossing

    crossing = asyncio.run(main())
    assert crossing.done.acquire(timeout=0)  # the caller is not left waiting
    with pytest.raises(concurrent.futures.CancelledError):
        crossing.outcome()
    gc.collect()  # a coroutine never awaited would warn here (warnings are errors)


def test_an_unclosed_client_is_closed_quietly_at_exit(emulator: Emulator) -> None:
    script = textwrap.dedent(
        f"""
        import warnings
        warnings.simplefilter("error")
        from nxcc_async import NXCC
        client = NXCC(access_key={AK!r}, access_secret={SK!r}, base_url={emulator.base_url!r},
                      tenant_id=144)
        print(client.agents.page(1, 3).total)
        """
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(emulator.data.agents))
    assert done.stderr == ""
