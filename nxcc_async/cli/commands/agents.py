"""``nxcc agents list`` and ``nxcc agents status``."""

from __future__ import annotations

import argparse
import operator
from typing import Any

from nxcc_async.cli import output, times
from nxcc_async.cli.commands.cdrs import add_time_options
from nxcc_async.cli.errors import NotFoundError
from nxcc_async.cli.settings import add_connection_options, make_client
from nxcc_async.nxcc.records import Agent, AgentStatus

AGENT_COLUMNS: output.Columns = {
    "user_name": lambda a: a.user_name,
    "sip_number": lambda a: a.sip_number,
    "nick_name": lambda a: a.nick_name,
    "status": lambda a: a.status,
    "queues": lambda a: a.queue_name,
    "end_point": lambda a: a.end_point_name,
}

#: (label, attribute) of the durations of ``agents status``, in display order.
STATES = (
    ("busy", "busy_duration"),
    ("wrap-up", "wrapup_duration"),
    ("idle", "idle_duration"),
    ("calling", "calling_duration"),
    ("ringing", "ringing_duration"),
    ("rest: meeting", "meeting_duration"),
    ("rest: eating", "eating_duration"),
    ("rest: wc", "wc_duration"),
    ("rest: sleep", "sleep_duration"),
    ("rest: other", "other_duration"),
)
STATUS_COLUMNS: output.Columns = {
    "user_name": lambda s: s.user_name,
    "sip_number": lambda s: s.sip_number,
    **{attr: operator.attrgetter(attr) for _, attr in STATES},
    "login": lambda s: s.login_time_stamp and s.login_time_stamp.isoformat(),
    "logout": lambda s: s.logout_time_stamp and s.logout_time_stamp.isoformat(),
}


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``agents list`` and ``agents status``."""
    group = sub.add_parser("agents", help="agent accounts and their states", parents=[common])
    cmds = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cmds.add_parser("list", parents=[common], help="every agent of the tenant")
    p.add_argument("--user", metavar="NAME", help="only userNames containing NAME")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    add_connection_options(p)
    p.set_defaults(run=run_list)
    p = cmds.add_parser("status", parents=[common], help="state durations of one agent")
    p.add_argument("user", metavar="USER", help="the agent's userName (email) or NX account")
    add_time_options(p)
    p.add_argument("--format", choices=output.FORMATS, default="table")
    add_connection_options(p)
    p.set_defaults(run=run_status)


async def run_list(args: argparse.Namespace) -> int:
    """Run ``nxcc agents list``."""
    async with make_client(args) as client:
        agents: list[Agent] = await client.agents.list(user_name=args.user)
    output.emit(agents, AGENT_COLUMNS, args.format, title=f"{len(agents)} agents")
    return 0


async def run_status(args: argparse.Namespace) -> int:
    """Run ``nxcc agents status``."""
    start, end = times.parse_range(args.start, args.end, args.tz)
    async with make_client(args) as client:
        rows: list[AgentStatus] = await client.agents.status(args.user, start, end)
    if not rows:
        raise NotFoundError(
            f"no status for agent {args.user!r} between {times.iso(start)} and "
            f"{times.iso(end)}: no such agent, or no activity then (nxcc agents list --user "
            "NAME lists the agents)"
        )
    if args.format != "table":
        output.emit(rows, STATUS_COLUMNS, args.format)
        return 0
    for row in rows:
        cells = [
            [label, f"{getattr(row, attr):,}", output.duration(getattr(row, attr))]
            for label, attr in STATES
        ]
        cells.append(["rest (total)", f"{row.rest_duration:,}", output.duration(row.rest_duration)])
        who = f"{row.user_name or args.user} ({row.sip_number})"
        title = f"{who} {times.iso(start)} .. {times.iso(end)}"
        output.print_table(
            ["state", "seconds", "h:mm:ss"], cells, title, numeric=("seconds", "h:mm:ss")
        )
    return 0
