"""``nxcc demo``: the emulator in-process, a week of CDRs exported, an agent summary.

Starts :class:`~nxcc_async.emulator.Emulator` on this event loop with made-up demo credentials
(the emulator's defaults), exports ``--days`` of CDRs from 2025-01-01 into ``DIR/cdrs.<format>``
(replacing the demo's own previous file), reads them back and prints who answered most, how long
they talked, the calls by direction, and the commands to try next.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from nxcc_async.cli import output, progress, readback, times
from nxcc_async.cli.commands.cdrs import add_progress_option, summary
from nxcc_async.cli.errors import UsageError
from nxcc_async.client.client import AsyncNXCC
from nxcc_async.emulator import Emulator
from nxcc_async.harvest.sinks import FORMATS

#: The emulator's own made-up credentials (``nxcc emulator`` accepts the same by default).
DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TENANT = "ak", "sk", 144
DEMO_START = 1_735_689_600  # 2025-01-01T00:00:00Z
DESCRIPTION = """\
Start the NXCC emulator in this process with made-up demo credentials, export --days of CDRs
from 2025-01-01 into DIR/cdrs.<format> (replacing the demo's own previous file), read them back
and print who answered most, how long they talked, the calls by direction, and the commands to
try next. No account, no network.

A quick run: nxcc demo --days 1 --progress off"""
DIRECTIONS = {0: "inbound", 1: "outbound", 2: "aicc"}
TOP = 10


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``demo``."""
    p = sub.add_parser(
        "demo",
        parents=[common],
        help="export a week of CDRs from an in-process emulator and summarise them",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="nxcc-demo", metavar="DIR", help="directory (./nxcc-demo)")
    p.add_argument("--format", choices=FORMATS, default="jsonl")
    p.add_argument("--days", type=int, default=7, help="days from 2025-01-01 (7)")
    p.add_argument("--seed", type=int, default=7, help="the emulator's data seed (7)")
    add_progress_option(p)
    p.set_defaults(run=run)


class Summary(NamedTuple):
    """What the demo prints about the exported calls."""

    top: list[list[str]]  # rank, agent, answered calls, talk time
    directions: Counter[str]
    calls: int
    answered: int


def summarise(calls: Iterable[readback.Call]) -> Summary:
    """Top agents by answered calls (then talk time), calls by direction, totals."""
    answered: Counter[str] = Counter()
    talk: Counter[str] = Counter()
    directions: Counter[str] = Counter()
    total = answered_total = 0
    for call in calls:
        total += 1
        answered_total += call.answered
        name = DIRECTIONS.get(call.direction) if call.direction is not None else None
        directions[name or "unknown"] += 1
        if call.agent and call.answered:
            answered[call.agent] += 1
            talk[call.agent] += call.talk_seconds
    ranked = sorted(answered, key=lambda a: (-answered[a], -talk[a], a))[:TOP]
    rows = [
        [str(i), agent, f"{answered[agent]:,}", output.duration(talk[agent])]
        for i, agent in enumerate(ranked, 1)
    ]
    return Summary(rows, directions, total, answered_total)


def nxcc_commands() -> tuple[str, str]:
    """How to run this ``nxcc`` from this shell, and from another terminal.

    ``nxcc`` when that name on ``PATH`` is this installation; otherwise (a venv not activated,
    ``python -m nxcc_async``) the full path of its script, or ``python -m nxcc_async``. Another
    terminal has not activated this venv: it gets the full path whenever this is a venv."""
    script = Path(sys.executable).with_name("nxcc.exe" if os.name == "nt" else "nxcc")
    full = (
        shlex.quote(str(script))
        if script.is_file()
        else f"{shlex.quote(sys.executable)} -m nxcc_async"
    )
    found = shutil.which("nxcc")
    here = "nxcc" if found and script.is_file() and Path(found).samefile(script) else full
    in_venv = sys.prefix != sys.base_prefix
    return here, full if in_venv else here


def next_steps(out: Path, fmt: str, top_agent: str | None, end: int, seed: int) -> list[str]:
    """The commands a user could run next, against ``nxcc emulator`` on port 8080."""
    agent = top_agent or "NXAgent0001"
    day = times.iso(DEMO_START)[:10]
    nxcc, elsewhere = nxcc_commands()
    return [
        "# in another terminal: the same emulator on a fixed port",
        f"{elsewhere} emulator --port 8080 --seed {seed}",
        "# then here:",
        f"export NXCC_BASE_URL=http://127.0.0.1:8080 NXCC_ACCESS_KEY={DEMO_ACCESS_KEY} "
        f"NXCC_ACCESS_SECRET={DEMO_ACCESS_SECRET} NXCC_TENANT_ID={DEMO_TENANT}",
        f"{nxcc} agents list --user agent00",
        f"{nxcc} agents status {agent} --start {day} --end {times.iso(end)[:10]}",
        f"{nxcc} queues members NXQueue0001",
        f"{nxcc} cdrs export --start {day} --end {times.iso(end)[:10]} --answered "
        f"--out answered.csv --checkpoint answered.ckpt",
        f"# the demo's own output: {out} ({fmt})",
    ]


async def run(args: argparse.Namespace) -> int:
    """Run ``nxcc demo``."""
    if not 1 <= args.days <= 366:
        raise ValueError(f"--days must be between 1 and 366, got {args.days}")
    folder = Path(args.out)
    try:
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    except FileExistsError:  # a file by that name
        raise UsageError(f"--out {args.out} is a file; the demo writes into a directory") from None
    out = folder / f"cdrs.{args.format}"
    end = DEMO_START + args.days * 86_400
    began = time.monotonic()
    async with Emulator(
        access_key=DEMO_ACCESS_KEY,
        access_secret=DEMO_ACCESS_SECRET,
        tenant_id=DEMO_TENANT,
        seed=args.seed,
    ) as emu:
        print(
            f"nxcc demo: emulator on {emu.base_url} (seed {args.seed}); exporting "
            f"{times.iso(DEMO_START)} .. {times.iso(end)} to {out}"
        )
        async with AsyncNXCC(
            access_key=DEMO_ACCESS_KEY,
            access_secret=DEMO_ACCESS_SECRET,
            base_url=emu.base_url,
            tenant_id=DEMO_TENANT,
        ) as client:
            with progress.reporter(args.progress) as on_progress:
                result = await client.cdrs.export(
                    DEMO_START, end, out, overwrite=True, on_progress=on_progress
                )
    print(summary(result, time.monotonic() - began))
    facts = summarise(readback.calls(out, result.format))
    share = facts.answered / facts.calls if facts.calls else 0.0
    by_direction = ", ".join(f"{name} {facts.directions[name]:,}" for name in DIRECTIONS.values())
    print()
    print(f"{facts.calls:,} calls: {by_direction}; answered {facts.answered:,} ({share:.0%})")
    output.print_table(
        ["#", "agent", "answered", "talk time"],
        facts.top,
        f"Top {len(facts.top)} agents by answered calls",
        numeric=("#", "answered", "talk time"),
    )
    print()
    print("Next steps:")
    top = facts.top[0][1] if facts.top else None
    for line in next_steps(out, result.format, top, end, args.seed):
        print("  " + line)
    return 0
