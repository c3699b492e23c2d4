"""``nxcc queues list``, ``nxcc queues members`` and ``nxcc queues set-members``."""

from __future__ import annotations

import argparse
from typing import Any

from nxcc_async.cli import output
from nxcc_async.cli.settings import add_connection_options, make_client

QUEUE_COLUMNS: output.Columns = {
    "group_no": lambda g: g.group_no,
    "group_name": lambda g: g.group_name,
    "ring_policy": lambda g: g.ring_policy,
    "remark": lambda g: g.remark,
}
MEMBER_COLUMNS: output.Columns = {
    "sip_number": lambda m: m.sip_number,
    "user_name": lambda m: m.user_name,
    "nick_name": lambda m: m.nick_name,
}


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``queues`` subcommands."""
    group = sub.add_parser("queues", help="agent groups (queues)", parents=[common])
    cmds = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cmds.add_parser("list", parents=[common], help="every agent group")
    p.add_argument("--name", metavar="TEXT", help="only groups whose name contains TEXT")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    add_connection_options(p)
    p.set_defaults(run=run_list)
    p = cmds.add_parser("members", parents=[common], help="the members of one group")
    p.add_argument("queue", metavar="QUEUE_NO", help="e.g. NXQueue0001")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    add_connection_options(p)
    p.set_defaults(run=run_members)
    p = cmds.add_parser(
        "set-members",
        parents=[common],
        help="replace the members of one group",
        description="Set the complete membership of QUEUE_NO to these SIP numbers.",
    )
    p.add_argument("queue", metavar="QUEUE_NO")
    p.add_argument("sips", metavar="SIP", nargs="+", help="agent SIP numbers, e.g. NXAgent0001")
    add_connection_options(p)
    p.set_defaults(run=run_set_members)


async def run_list(args: argparse.Namespace) -> int:
    """Run ``nxcc queues list``."""
    async with make_client(args) as client:
        groups = await client.queues.list(queue_name=args.name)
    output.emit(groups, QUEUE_COLUMNS, args.format, title=f"{len(groups)} groups")
    return 0


async def run_members(args: argparse.Namespace) -> int:
    """Run ``nxcc queues members``."""
    async with make_client(args) as client:
        members = await client.queues.members(args.queue)
    output.emit(members, MEMBER_COLUMNS, args.format, title=f"{args.queue}: {len(members)} members")
    return 0


async def run_set_members(args: argparse.Namespace) -> int:
    """Run ``nxcc queues set-members``."""
    sips = list(dict.fromkeys(args.sips))
    async with make_client(args) as client:
        await client.queues.update_members(args.queue, sips)
    print(f"{args.queue} now has {len(sips)} members: {', '.join(sips)}")
    return 0
