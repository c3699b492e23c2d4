"""The ``nxcc`` command: ``main(argv)`` parses, runs one command and maps failures to exit codes.

Commands: ``cdrs export``, ``agents list``, ``agents status``, ``queues list``,
``queues members``, ``queues set-members``, ``cec watch``, ``emulator``, ``demo``. See
``docs/cli.md``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from collections.abc import Sequence

from nxcc_async.cli import logs
from nxcc_async.cli.args import build_parser
from nxcc_async.cli.errors import INTERRUPTED, TERMINATED, classify, one_line

__all__ = ["main"]


def _report(exc: BaseException, verbose: bool, checkpoint: str | None, vendor: str = "nxcc") -> int:
    code, message = classify(exc, vendor)
    if code in (INTERRUPTED, TERMINATED) and checkpoint:
        message = f"{message}; rerun with the same --checkpoint to resume"
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
    print(f"nxcc: error: {one_line(message)}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nxcc`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    debug = os.environ.get("NXCC_DEBUG", "") not in ("", "0")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:
        return _report(exc, debug, None)
    verbosity = max(int(args.verbose), 1 if debug else 0)
    checkpoint = getattr(args, "checkpoint", None)
    vendor = "cec" if hasattr(args, "cec_base_url") else "nxcc"  # whose settings a hint names
    with logs.configured(verbosity):
        try:
            if args.run is None:
                return int(args.sync_run(args))
            return int(asyncio.run(args.run(args)))
        except BrokenPipeError:  # stdout closed by the reader (| head): not a failure
            _silence_stdout()
            return 0
        except (Exception, KeyboardInterrupt) as exc:
            return _report(exc, verbosity > 0, checkpoint, vendor)
