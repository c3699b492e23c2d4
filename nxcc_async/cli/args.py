"""The ``nxcc`` argument parser (stdlib ``argparse``); argument errors are one line, exit 2."""

from __future__ import annotations

import argparse
from typing import NoReturn

from nxcc_async._version import __version__
from nxcc_async.cli import demo
from nxcc_async.cli.commands import agents, cdrs, cec, emulator, queues, webhook
from nxcc_async.cli.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise :class:`UsageError` (one line, exit 2)."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage."""
        raise UsageError(f"{message} (see {self.prog} --help)")


def _common() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="show retries and tracebacks (-vv: every HTTP attempt)",
    )
    return common


def build_parser() -> Parser:
    """The whole command line."""
    parser = Parser(
        prog="nxcc",
        description="NXCC call-center OpenAPI from the command line: export CDRs, list agents, "
        "agent states, queue members; a local emulator and a demo.",
        epilog="Credentials: NXCC_ACCESS_KEY, NXCC_ACCESS_SECRET, NXCC_REGION or NXCC_BASE_URL, "
        "NXCC_TENANT_ID (flags override them). Exit codes: 0 ok, 1 API/network failure, "
        "2 usage or configuration error, 130 interrupted, 143 terminated.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"nxcc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()
    for module in (cdrs, agents, queues, cec, webhook, emulator, demo):
        module.add_commands(sub, common)
    return parser
