"""``watch``: fixed cadence, no overlap, skipped ticks instead of bursts, gaps on transient
errors, clean stop; and the CEC board watch against the emulator with faults and a rate cap."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator

import pytest

from nxcc_async._core.errors import AuthError, ServerError, ValidationError
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.watch import Snapshot, watch
from nxcc_async.cec import AsyncCEC
from nxcc_async.emulator import Emulator, Faults

AK, SK = "cec-ak", "cec-sk"


class Probe:
    """A fetch that records when it runs and how many runs overlap."""

    def __init__(self, duration: float = 0.0, fail: set[int] | None = None) -> None:
        self.duration = duration
        self.fail = fail or set()
        self.starts: list[float] = []
        self.running = 0
        self.max_running = 0

    async def __call__(self) -> int:
        n = len(self.starts)
        self.starts.append(time.monotonic())
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            await asyncio.sleep(self.duration)
            if n in self.fail:
                raise ServerError("0100999", "injected")
            return n
        finally:
            self.running -= 1


async def test_fixed_cadence_timestamps_and_values() -> None:
    probe = Probe()
    snaps = [s async for s in watch(probe, 0.05, limit=5)]
    assert [s.value for s in snaps] == [0, 1, 2, 3, 4]
    assert [s.seq for s in snaps] == [0, 1, 2, 3, 4]
    gaps = [b - a for a, b in zip(probe.starts, probe.starts[1:], strict=False)]
    assert all(0.04 <= g <= 0.09 for g in gaps), gaps
    assert all(s.ok and not s.stale and s.last_good == s.at for s in snaps)
    assert snaps[0].at.tzinfo is not None


async def test_slow_polls_never_overlap_and_skip_ticks_instead_of_bursting() -> None:
    probe = Probe(duration=0.12)  # longer than two ticks of 0.05
    snaps = [s async for s in watch(probe, 0.05, limit=4)]
    assert probe.max_running == 1
    assert [s.skipped for s in snaps[1:]] == [2, 2, 2]
    assert [s.seq for s in snaps] == [0, 3, 6, 9]
    # every third tick (a poll takes 0.12 s), never at once after the last ended: measured
    # from the first start, as a start made late by the machine's load delays only itself
    offsets = [start - probe.starts[0] for start in probe.starts]
    assert all(offset >= 0.15 * i - 0.01 for i, offset in enumerate(offsets)), offsets
    gaps = [b - a for a, b in zip(probe.starts, probe.starts[1:], strict=False)]
    assert all(g >= 0.12 for g in gaps), gaps


async def test_a_slow_consumer_also_skips_ticks() -> None:
    probe = Probe()
    seqs = []
    async for snap in watch(probe, 0.05, limit=3):
        seqs.append(snap.seq)
        await asyncio.sleep(0.13)
    assert seqs == [0, 3, 6]
    assert len(probe.starts) == 3


async def test_transient_errors_are_marked_gaps_and_the_watch_goes_on() -> None:
    probe = Probe(fail={1, 2})
    snaps = [s async for s in watch(probe, 0.02, limit=4)]
    assert [s.ok for s in snaps] == [True, False, False, True]
    gap = snaps[1]
    assert gap.value is None
    assert gap.stale
    assert isinstance(gap.error, ServerError)
    assert gap.error.__traceback__ is None
    assert gap.last_value == 0
    assert gap.last_good == snaps[0].at
    assert gap.error_text() == "ServerError: code 0100999: injected"
    assert snaps[3].value == snaps[3].last_value == 3


async def test_a_poll_over_the_timeout_is_a_gap() -> None:
    probe = Probe(duration=1.0)
    (snap,) = [s async for s in watch(probe, 0.05, timeout=0.05, limit=1)]
    assert isinstance(snap.error, asyncio.TimeoutError)
    assert snap.last_good is None
    assert snap.age() is None
    assert probe.running == 0  # the cut poll was cancelled


async def test_other_errors_end_the_watch() -> None:
    async def refused() -> int:
        raise ValidationError("0100002", "bad vdn")

    with pytest.raises(ValidationError):
        async for _ in watch(refused, 0.01):
            pass


async def test_aclose_and_cancel_stop_cleanly() -> None:
    probe = Probe(duration=10.0)
    stream = watch(probe, 0.01)
    task = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)
    assert probe.running == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert probe.running == 0
    quick = Probe()
    stream2 = watch(quick, 0.01)
    assert (await stream2.__anext__()).value == 0
    await stream2.aclose()
    with pytest.raises(StopAsyncIteration):
        await stream2.__anext__()
    assert len(quick.starts) == 1


@pytest.mark.parametrize(
    ("kwargs", "exc", "named"),
    [
        ({"every": 0}, ValueError, "every"),
        ({"every": -1.0}, ValueError, "every"),
        ({"every": float("nan")}, ValueError, "every"),
        ({"every": "5"}, TypeError, "every"),
        ({"every": 1.0, "timeout": 0}, ValueError, "timeout"),
        ({"every": 1.0, "limit": 0}, ValueError, "limit"),
        ({"every": 1.0, "transient": (BaseException,)}, ValueError, "transient"),
        ({"every": 1.0, "transient": ServerError}, TypeError, "transient"),
    ],
)
def test_bad_arguments_are_refused_at_call_time(
    kwargs: dict[str, object], exc: type, named: str
) -> None:
    with pytest.raises(exc, match=f"^{named} must"):  # the message names the argument
        watch(Probe(), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(seed=7, cec_access_key=AK, cec_secret_key=SK) as emulator:
        yield emulator


async def test_board_watch_against_the_emulator_with_faults_and_a_rate_cap(
    emu: Emulator,
) -> None:
    """A short soak: 1/20 of the cadence of the 10-minute run, same invariants."""
    emu.rate_limit = 40  # the emulator answers 429 above this: the client must stay below
    emu.faults = Faults(code99=0.05, http5xx=0.05, drop=0.02)
    retry = RetryPolicy(max_retries=1, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
    async with AsyncCEC(emu.base_url, AK, SK, rate_limit=30, retry=retry) as cec:
        agents = emu.cec.agents(1, 1)
        snaps: list[Snapshot[list]] = []  # type: ignore[type-arg]
        async for snap in cec.watch_board(1, [1, 2], every=0.25, timeout=2.0, limit=8):
            snaps.append(snap)
        peak = cec.throttle.peak_in_flight
    assert emu.stats.rate_limited == 0
    assert peak <= 8
    assert len(snaps) == 8
    good = [s for s in snaps if s.ok]
    assert good, [s.error_text() for s in snaps]
    board = good[-1].value
    assert board is not None
    assert [line.vdn for line in board] == [1, 2]
    assert board[0].agents.total_login_agent == sum(a.signed_in for a in agents)
    assert [q.skill_id for q in board[0].queues] == [s.skill_id for s in emu.cec.skills(1, 1)]
    assert all(q.service_level is not None for q in board[0].queues)
    starts = [s.at for s in snaps]
    assert starts == sorted(starts)


async def test_board_watch_checks_arguments_before_sending(emu: Emulator) -> None:
    async with AsyncCEC(emu.base_url, AK, SK) as cec:
        with pytest.raises(ValueError, match="vdn"):
            cec.watch_board(1, [1, 9999])
        with pytest.raises(TypeError):
            cec.watch_board(1, 1)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="every"):
            cec.watch_board(1, [1], every=0)
    assert emu.stats.total == 0


async def test_a_wrong_secret_ends_the_board_watch(emu: Emulator) -> None:
    async with AsyncCEC(emu.base_url, AK, "wrong") as cec:
        with pytest.raises(AuthError):
            async for _ in cec.watch_board(1, [1], every=0.05):
                pass


def test_soak_script_short_run_holds_its_invariants() -> None:
    """``benchmarks/soak_watch.py`` for 3 s at a 0.25 s cadence (the 10-minute run: on demand)."""
    from benchmarks.soak_watch import check, run

    figures = run(seconds=3.0, every=0.25, cap=25.0, sample_every=1.0)
    assert check(figures) == [], figures
    # every tick is either polled or skipped (a poll of ~14 calls at 25/s overruns 0.25 s)
    assert figures["snapshots"] + figures["skipped_ticks"] >= 10, figures
    assert figures["snapshots"] >= 3, figures


async def test_the_same_helper_watches_nxcc_agent_status_of_a_team() -> None:
    from nxcc_async import AsyncNXCC

    async with Emulator(access_key="ak", access_secret="sk", tenant_id=144, seed=2) as emu:
        retry = RetryPolicy(max_retries=0, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
        async with AsyncNXCC(
            access_key="ak", access_secret="sk", base_url=emu.base_url, tenant_id=144, retry=retry
        ) as client:
            queue = emu.data.groups[0].group_no
            team = [m.user_name for m in await client.queues.members(queue)][:3]
            emu.faults = Faults(code99=0.25)
            now = int(time.time())

            async def team_status() -> dict[str, int]:
                rows = await asyncio.gather(
                    *(client.agents.status(name, now - 3600, now) for name in team)
                )
                return {r[0].user_name: r[0].busy_duration for r in rows if r}

            snaps = [s async for s in client.watch(team_status, 0.05, limit=6)]
    assert any(s.ok for s in snaps)
    assert any(not s.ok for s in snaps)  # 1 request in 4 fails: some polls are gaps
    good = next(s for s in snaps if s.ok)
    assert set(good.value or {}) == set(team)
    assert all(isinstance(s.error, ServerError) for s in snaps if not s.ok)


async def test_a_gap_keeps_no_traceback_of_the_error_or_its_cause() -> None:
    async def failing() -> int:
        try:
            raise OSError("reset")
        except OSError as exc:
            raise ServerError(503, "HTTP 503") from exc

    (snap,) = [s async for s in watch(failing, 0.01, limit=1)]
    assert snap.error is not None
    assert snap.error.__traceback__ is None
    assert isinstance(snap.error.__cause__, OSError)
    assert snap.error.__cause__.__traceback__ is None


async def test_a_failed_poll_leaves_no_request_running() -> None:
    from nxcc_async._core.tasks import gather_or_cancel

    finished: list[str] = []

    async def slow() -> int:
        try:
            await asyncio.sleep(5)
            return 1
        finally:
            finished.append("slow")

    async def fails() -> int:
        await asyncio.sleep(0.01)
        raise ServerError("0100999", "injected")

    with pytest.raises(ServerError):
        await gather_or_cancel(slow(), fails())
    assert finished == ["slow"]  # cancelled and awaited before the error came out
    assert await gather_or_cancel(asyncio.sleep(0, 1), asyncio.sleep(0, 2)) == [1, 2]
    assert await gather_or_cancel() == []


async def test_failures_beside_the_one_raised_are_never_logged_as_unretrieved(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from nxcc_async._core.tasks import gather_or_cancel

    async def fails(name: str) -> int:
        await asyncio.sleep(0.01)
        raise ServerError("0100999", name)

    for _ in range(3):  # two parts of one poll fail in the same turn of the loop
        with pytest.raises(ServerError, match="first"):
            await gather_or_cancel(fails("first"), fails("second"))
    gc.collect()
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]
