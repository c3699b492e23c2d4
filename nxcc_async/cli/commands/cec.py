"""``nxcc cec watch``: a live wallboard of Huawei CEC VDNs (rich), or JSON for scripts."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import orjson
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from nxcc_async._core.watch import Snapshot
from nxcc_async.cec.board import VdnBoard
from nxcc_async.cli.errors import UsageError
from nxcc_async.cli.settings import add_cec_connection_options, make_cec_client

Boards = list[VdnBoard]


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``cec watch``."""
    group = sub.add_parser("cec", help="Huawei CEC monitoring", parents=[common])
    cmds = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cmds.add_parser(
        "watch",
        parents=[common],
        help="live wallboard: agents per VDN, skill queues, service level",
        description="A live wallboard of CEC VDNs, refreshed in place every --every seconds: "
        "agents signed in / busy / talking / idle per VDN, skill queues (calls waiting, "
        "service level). On a failed poll the last good numbers stay, marked STALE.",
    )
    p.add_argument("--cc-id", type=int, default=1, metavar="ID", help="call center id (1)")
    p.add_argument(
        "--vdn", type=int, action="append", metavar="VDN", help="a VDN to show (repeat; default 1)"
    )
    p.add_argument(
        "--every", type=float, default=5.0, metavar="S", help="seconds between polls (5)"
    )
    p.add_argument(
        "--poll-timeout",
        type=float,
        metavar="S",
        help="a poll taking longer is a gap (default: 3 x --every, at least 5)",
    )
    p.add_argument(
        "--no-skills",
        action="store_true",
        help="agent counts only (fewer calls; needed on CTI 3.6, which lacks the skill interface)",
    )
    p.add_argument("--once", action="store_true", help="one poll, print it, exit")
    p.add_argument("--json", action="store_true", help="JSON (one object per poll) on stdout")
    add_cec_connection_options(p)
    p.set_defaults(run=run_watch)


def snapshot_json(snap: Snapshot[Boards]) -> dict[str, Any]:
    """A snapshot as a JSON-ready dict (the last good boards on a gap, ``stale`` true)."""
    boards = snap.value if snap.ok else snap.last_value
    return {
        "at": snap.at.isoformat(),
        "ok": snap.ok,
        "stale": snap.stale,
        "error": snap.error_text(),
        "last_good": snap.last_good.isoformat() if snap.last_good else None,
        "skipped": snap.skipped,
        "vdns": [board.to_dict() for board in boards or ()],
    }


def _cell(value: object) -> Text:
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, float):
        return Text(f"{value:.1f}%")
    return Text(str(value))


def _level_style(level: float | None) -> str:
    if level is None:
        return "dim"
    return "green" if level >= 80 else "yellow" if level >= 60 else "bold red"


def _clock(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S %Z")


class Board:
    """The wallboard: renders the latest snapshot, with the age of the last good poll computed
    at each refresh (so it keeps counting while a poll is failing or slow)."""

    def __init__(self, cc_id: int, every: float) -> None:
        self.cc_id = cc_id
        self.every = every
        self.snap: Snapshot[Boards] | None = None

    def header(self) -> Text:
        """The title line: cadence, last good poll and its age, the stale marker."""
        title = Text(f"CEC wallboard · cc {self.cc_id} · every {self.every:g}s ", style="bold")
        snap = self.snap
        if snap is None:
            return title.append("· waiting for the first poll…", style="dim")
        if snap.last_good is not None:
            age = snap.age() or 0.0
            title.append(f"· last good poll {_clock(snap.last_good)} ({age:.0f}s ago)")
        if snap.stale:
            title.append("\n")
            title.append(" STALE ", style="bold white on red")
            title.append(f" last poll failed: {snap.error_text()}", style="red")
        elif snap.skipped:
            title.append(f" · {snap.skipped} tick(s) skipped", style="yellow")
        return title

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = [self.header()]
        snap = self.snap
        boards = (snap.value if snap.ok else snap.last_value) if snap else None
        if boards:
            style = "dim" if snap is not None and snap.stale else ""
            parts.append(agents_table(boards, style))
            if any(board.queues for board in boards):
                parts.append(queues_table(boards, style))
        return Group(*parts)


def agents_table(boards: Boards, style: str = "") -> Table:
    """Agents per VDN."""
    table = Table(title="agents", title_justify="left", style=style)
    for name in ("VDN", "logged in", "busy", "talking", "idle"):
        table.add_column(name, justify="right")
    for board in boards:
        a = board.agents
        table.add_row(
            str(board.vdn),
            str(a.total_login_agent),
            str(a.busy_agent),
            str(a.talking_num),
            str(a.idle_agent),
        )
    return table


def queues_table(boards: Boards, style: str = "") -> Table:
    """Skill queues of every VDN."""
    table = Table(title="skill queues", title_justify="left", style=style)
    table.add_column("VDN", justify="right")
    table.add_column("skill")
    for name in ("waiting", "longest wait", "agents in/idle", "service level (5 min)"):
        table.add_column(name, justify="right")
    for board in boards:
        for q in board.queues:
            wait = None if q.longest_wait is None else f"{q.longest_wait}s"
            agents = f"{q.login_agents if q.login_agents is not None else '—'}/"
            agents += f"{q.idle_agents if q.idle_agents is not None else '—'}"
            level = _cell(q.service_level)
            level.stylize(_level_style(q.service_level))
            waiting = _cell(q.waiting_calls)
            if q.waiting_calls:
                waiting.stylize("bold")
            table.add_row(
                str(board.vdn),
                f"{q.skill_name or ''} ({q.skill_id})",
                waiting,
                _cell(wait),
                agents,
                level,
            )
    return table


async def run_watch(args: argparse.Namespace) -> int:
    """Run ``nxcc cec watch``."""
    vdns = args.vdn or [1]
    if args.every <= 0:
        raise UsageError("--every must be positive")
    timeout = args.poll_timeout if args.poll_timeout is not None else max(3 * args.every, 5.0)
    async with make_cec_client(args) as cec:
        stream = cec.watch_board(
            args.cc_id,
            vdns,
            every=args.every,
            skills=not args.no_skills,
            timeout=timeout,
            limit=1 if args.once else None,
        )
        try:
            if args.json:
                return await _json_lines(stream)
            if args.once:
                return await _print_once(stream, args)
            return await _live(stream, args)
        finally:
            await stream.aclose()


async def _json_lines(stream: Any) -> int:
    status = 0
    async for snap in stream:
        sys.stdout.write(orjson.dumps(snapshot_json(snap)).decode() + "\n")
        sys.stdout.flush()
        status = 0 if snap.ok else 1
    return status


async def _print_once(stream: Any, args: argparse.Namespace) -> int:
    board = Board(args.cc_id, args.every)
    async for snap in stream:
        board.snap = snap
    Console().print(board)
    return 0 if board.snap is not None and board.snap.ok else 1


async def _live(stream: Any, args: argparse.Namespace) -> int:
    board = Board(args.cc_id, args.every)
    with Live(board, refresh_per_second=4, screen=False, transient=False):
        async for snap in stream:
            board.snap = snap
    return 0
