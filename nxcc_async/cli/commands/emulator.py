"""``nxcc emulator``: the options and behaviour of ``python -m nxcc_async.emulator``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import Any

from nxcc_async.emulator.__main__ import build_parser, serve


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``emulator`` with the emulator's own options."""
    p = sub.add_parser(
        "emulator",
        parents=[common, build_parser(add_help=False)],
        help="serve the local NXCC + CEC emulator until Ctrl-C",
        description="Serve the local NXCC + CEC emulator until Ctrl-C; prints its URL and the "
        "demo credentials it accepts.",
    )
    p.set_defaults(run=None, sync_run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0
