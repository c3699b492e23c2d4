"""Round trips of the harvest scheduler, free of CPU costs: ``python -m benchmarks.harvest_rounds``.

The benchmark week (``cdrs_per_day=1500``, seed 7) is served from memory by a page function
whose requests are answered in *rounds*: every request sent while the previous answers were
being handled is answered together, once the event loop is idle. The figures are the rounds
(latency round trips) a harvest needs, against the ideal ``pages / C``, the requests sent
against the pages the sequential loop needs, and the most requests in one round. They do not
depend on the machine, and show what the scheduler does when the client's CPU is not the limit.

Options: ``--profiles office,skewed,flat``, ``--concurrency 1,2,4,8,16,32,64``, ``--rounds``
(print each round's size).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt

from benchmarks._common import MONDAY, SEED, TENANT_ID
from nxcc_async._core.page import Page
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.harvest.harvester import Harvester
from nxcc_async.harvest.state import Source
from nxcc_async.nxcc.records import CallRecord

DAYS, CDRS_PER_DAY, SIZE = 7, 1500, 100
START, END = MONDAY, MONDAY + DAYS * 86_400


def week(profile: str) -> tuple[list[float], list[CallRecord]]:
    """The week's rows, sorted by ``startTime``, and their ``startTime`` in seconds."""
    data = EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=CDRS_PER_DAY, profile=profile)
    rows = list(data.cdrs.iter(START - 5, END + 5))
    records = [
        CallRecord(
            call_id=c["callId"],
            start_time=dt.datetime.fromtimestamp(c["startTime"] / 1000, dt.timezone.utc),
        )
        for c in rows
    ]
    return [c["startTime"] / 1000 for c in rows], records


async def harvest(keys: list[float], records: list[CallRecord], concurrency: int) -> list[int]:
    """Harvest the week; the sizes of the rounds of requests."""
    waiting: list[asyncio.Future[None]] = []

    throttle = asyncio.Semaphore(concurrency)  # the client's: requests in flight at most

    async def fetch(low: int, high: int, number: int) -> Page[CallRecord]:
        async with throttle:
            answered = asyncio.get_running_loop().create_future()
            waiting.append(answered)
            await answered
        first = bisect.bisect_left(keys, low) + (number - 1) * SIZE
        stop = bisect.bisect_left(keys, high + 1)
        return Page(items=records[first : min(first + SIZE, stop)], page=number, size=SIZE)

    harvester = Harvester(Source(fetch, concurrency, SIZE, "rounds"), START, END)

    async def consume() -> int:
        return sum([len(batch) async for batch in harvester.batches()])

    task = asyncio.ensure_future(consume())
    rounds: list[int] = []
    while not task.done():
        for _ in range(20):  # let every answer of the last round be handled
            await asyncio.sleep(0)
        if waiting:
            rounds.append(len(waiting))
            for answered in waiting:
                answered.set_result(None)
            waiting.clear()
    await task
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", default="office,skewed,flat")
    parser.add_argument("--concurrency", default="1,2,4,8,16,32,64")
    parser.add_argument("--rounds", action="store_true", help="print each round's size")
    args = parser.parse_args()
    print("| profile | C | rounds | ideal | fraction | requests / pages | peak |")
    print("|---|---|---|---|---|---|---|")
    for profile in args.profiles.split(","):
        keys, records = week(profile)
        pages = (bisect.bisect_left(keys, END) - bisect.bisect_left(keys, START)) // SIZE + 1
        for c in (int(x) for x in args.concurrency.split(",")):
            rounds = asyncio.run(harvest(keys, records, c))
            ideal = max(1.0, pages / c)
            print(
                f"| {profile} | {c} | {len(rounds)} | {ideal:.1f} | {ideal / len(rounds):.2f} "
                f"| {sum(rounds) / pages:.3f} | {max(rounds)} |"
            )
            if args.rounds:
                print(f"|   rounds: {rounds} |")


if __name__ == "__main__":
    main()
