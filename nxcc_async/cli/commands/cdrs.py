"""``nxcc cdrs export``: harvest a period of CDRs into a file, resumable with a checkpoint.
``nxcc cdrs sync``: keep a database table of CDRs complete and current."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any, cast

import orjson

from nxcc_async._core.converter import converter
from nxcc_async.cli import progress, times
from nxcc_async.cli.errors import Terminated, UsageError, one_line
from nxcc_async.cli.settings import add_connection_options, make_client
from nxcc_async.cli.sigterm import cancel_on_sigterm
from nxcc_async.harvest.export import ExportResult
from nxcc_async.harvest.harvester import HarvestProgress, ProgressCallback
from nxcc_async.harvest.sinks import FORMATS, format_for
from nxcc_async.harvest.sync import RoundReport
from nxcc_async.nxcc.cdr_filters import FILTERS, CdrFilters
from nxcc_async.nxcc.records import CallRecord


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``cdrs export``."""
    group = sub.add_parser("cdrs", help="call detail records", parents=[common])
    cmds = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cmds.add_parser(
        "export",
        parents=[common],
        help="export the CDRs of a period to a file",
        description="Export every CDR that started in [--start, --end) to --out.",
    )
    add_time_options(p)
    add_filter_options(p)
    p.add_argument(
        "--out", required=True, metavar="FILE", help="output file; - writes JSON Lines to stdout"
    )
    p.add_argument("--format", choices=FORMATS, help="default: from the --out extension")
    p.add_argument("--checkpoint", metavar="FILE", help="resume file (a rerun continues)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    add_progress_option(p)
    add_connection_options(p)
    p.set_defaults(run=run_export)
    add_sync_command(cmds, common)


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """One option per CDR filter, from :data:`~nxcc_async.nxcc.cdr_filters.FILTERS`."""
    group = p.add_argument_group("filters")
    for name, spec in FILTERS.items():
        if spec.off_flag is not None:
            pair = group.add_mutually_exclusive_group()
            pair.add_argument(
                spec.flag, dest=name, action="store_true", default=None, help=spec.help
            )
            pair.add_argument(
                spec.off_flag, dest=name, action="store_false", help=f"not {spec.help}"
            )
        else:
            group.add_argument(spec.flag, dest=name, choices=spec.choices, help=spec.help)


def filters_of(args: argparse.Namespace) -> CdrFilters:
    """The CDR filters given on the command line."""
    given = {name: getattr(args, name) for name in FILTERS if getattr(args, name) is not None}
    return cast(CdrFilters, given)


def add_time_options(p: argparse.ArgumentParser) -> None:
    """``--start``, ``--end`` and ``--tz``."""
    p.add_argument("--start", required=True, help="ISO-8601 with offset, YYYY-MM-DD, or Unix s")
    p.add_argument("--end", required=True, help="exclusive; same forms as --start")
    p.add_argument("--tz", metavar="AREA/CITY", help="zone of times given without an offset")


def add_progress_option(p: argparse.ArgumentParser) -> None:
    """``--progress auto|bar|log|off``."""
    p.add_argument(
        "--progress",
        choices=progress.MODES,
        default="auto",
        help="bar on a terminal, log lines elsewhere (auto)",
    )


def summary(result: ExportResult, elapsed: float) -> str:
    """The line printed when an export ends."""
    rate = result.rows_written / elapsed if elapsed > 0 else 0.0
    return (
        f"wrote {result.rows_written:,} rows ({result.rows_total:,} in the output) "
        f"in {elapsed:.1f} s, {rate:,.0f} rows/s -> {result.path}"
    )


def _announcing(
    checkpoint: str | None, on_progress: ProgressCallback | None
) -> ProgressCallback | None:
    """``on_progress``, saying first that the run resumes: at the first report, once the
    checkpoint and the output were accepted (a refused resume says only why)."""
    if checkpoint is None:
        return on_progress
    said = False

    def report(p: HarvestProgress) -> None:
        nonlocal said
        if not said:
            said = True
            until = p.resumed_until
            if until is not None and (p.resumed_rows or until > p.start):
                print(
                    f"nxcc: resuming from {checkpoint} ({p.resumed_rows:,} rows, "
                    f"done until {times.iso(until)})",
                    file=sys.stderr,
                )
        if on_progress is not None:
            on_progress(p)

    return report


async def run_export(args: argparse.Namespace) -> int:
    """Run ``nxcc cdrs export``."""
    start, end = times.parse_range(args.start, args.end, args.tz)
    filters = filters_of(args)
    if args.out == "-":
        return await export_to_stdout(args, start, end, filters)
    if args.format is None:
        try:
            format_for(args.out)
        except ValueError:
            raise UsageError(
                f"cannot tell the format of {args.out} from its extension; use .jsonl, .csv, "
                f".sqlite or .parquet, or pass --format {{{','.join(FORMATS)}}}"
            ) from None
    began = time.monotonic()
    with cancel_on_sigterm() as termination:
        try:
            result = await _export(args, start, end, filters)
        except asyncio.CancelledError:
            if termination.requested:  # saved at the last window written, as on Ctrl-C
                raise Terminated from None
            raise
    if result.already_complete:
        print(
            f"checkpoint {args.checkpoint} says this export is already complete "
            f"({result.rows_total:,} rows in {Path(args.out)}); wrote 0 rows. "
            "Delete the checkpoint to export again."
        )
    else:
        print(summary(result, time.monotonic() - began))
    return 0


async def _export(
    args: argparse.Namespace, start: int, end: int, filters: CdrFilters
) -> ExportResult:
    async with make_client(args) as client:
        with progress.reporter(args.progress) as reporter:
            on_progress = _announcing(args.checkpoint, reporter)
            try:
                return await client.cdrs.export(
                    start,
                    end,
                    args.out,
                    format=args.format,
                    checkpoint=args.checkpoint,
                    overwrite=args.overwrite,
                    on_progress=on_progress,
                    **filters,
                )
            except FileExistsError:
                raise UsageError(
                    f"{args.out} already exists and is not empty; pass --overwrite to replace "
                    "it, or the --checkpoint of the run that wrote it to resume"
                ) from None
            except FileNotFoundError as exc:  # an output to resume that is gone, a missing dir
                raise UsageError(str(exc)) from None


async def export_to_stdout(
    args: argparse.Namespace, start: int, end: int, filters: CdrFilters
) -> int:
    """``--out -``: JSON Lines on stdout (progress and the summary on stderr); not resumable."""
    if args.checkpoint is not None:
        raise UsageError(
            "--checkpoint needs a file to resume into; stdout (--out -) cannot be resumed: "
            "give --out a file path, or drop --checkpoint"
        )
    if args.format not in (None, "jsonl"):
        raise UsageError(f"--out - writes JSON Lines; --format {args.format} needs a file path")
    dump = converter.get_unstructure_hook(CallRecord)
    stdout = sys.stdout.buffer
    rows = 0
    began = time.monotonic()
    async with make_client(args) as client:
        with progress.reporter(args.progress) as on_progress:
            async with contextlib.aclosing(
                client.cdrs.harvest(start, end, on_progress=on_progress, **filters)
            ) as records:
                async for record in records:
                    stdout.write(orjson.dumps(dump(record), option=orjson.OPT_APPEND_NEWLINE))
                    rows += 1
    stdout.flush()
    elapsed = time.monotonic() - began
    rate = rows / elapsed if elapsed > 0 else 0.0
    print(f"wrote {rows:,} rows in {elapsed:.1f} s, {rate:,.0f} rows/s -> stdout", file=sys.stderr)
    return 0


def add_sync_command(cmds: Any, common: argparse.ArgumentParser) -> None:
    """Add ``cdrs sync``."""
    p = cmds.add_parser(
        "sync",
        parents=[common],
        help="keep a database table of CDRs complete and current",
        description="Upsert every CDR that started since --since into a table of --to, "
        "re-reading the last --lookback seconds each round so late CDRs are caught; with "
        "--follow, a round every --interval seconds until stopped (Ctrl-C or SIGTERM). "
        "The watermark is kept in the database: a rerun continues.",
    )
    p.add_argument(
        "--to", required=True, metavar="URL", help="sqlite:///cdrs.db or postgresql://user@host/db"
    )
    p.add_argument("--since", required=True, help="ISO-8601 with offset, YYYY-MM-DD, or Unix s")
    p.add_argument("--until", help="exclusive; same forms as --since (default: no end)")
    p.add_argument("--tz", metavar="AREA/CITY", help="zone of times given without an offset")
    p.add_argument("--follow", action="store_true", help="keep syncing every --interval seconds")
    p.add_argument("--interval", type=float, default=60.0, metavar="S", help="default 60")
    p.add_argument(
        "--lookback",
        type=float,
        default=7200.0,
        metavar="S",
        help="seconds re-read behind the watermark: longer than any call plus the server's "
        "delay (default 7200)",
    )
    p.add_argument(
        "--settle", type=float, default=5.0, metavar="S", help="stay S seconds behind now (5)"
    )
    p.add_argument("--table", default="cdrs", help="table name (default cdrs)")
    add_filter_options(p)
    add_progress_option(p)
    add_connection_options(p)
    p.set_defaults(run=run_sync)


def status_line(report: RoundReport) -> str:
    """The line printed after each round."""
    finished = dt.datetime.fromtimestamp(report.finished_at, dt.timezone.utc)
    head = f"round {report.number} at {finished:%H:%M:%S}Z"
    if report.error is not None:
        return f"{head}: failed ({one_line(report.error)}); retrying at the next interval"
    return (
        f"{head}: {report.fetched:,} rows read ({report.inserted:,} new, "
        f"{report.updated:,} updated) in {report.seconds:.1f} s; watermark "
        f"{times.iso(report.watermark)}, lag {report.lag:.0f} s"
    )


async def run_sync(args: argparse.Namespace) -> int:
    """Run ``nxcc cdrs sync``."""
    tz = times.zone(args.tz)
    since = times.parse_time(args.since, "--since", tz)
    until = None if args.until is None else times.parse_time(args.until, "--until", tz)
    if until is not None and until <= since:
        raise UsageError(f"--until ({args.until}) must be after --since ({args.since})")
    mode = args.progress
    if args.follow and mode == "auto":
        mode = "log"  # status lines and a bar do not share a terminal well
    last: list[RoundReport] = []

    def on_round(report: RoundReport) -> None:
        last.append(report)
        del last[:-1]
        if args.follow:
            print(f"nxcc: {status_line(report)}", file=sys.stderr, flush=True)

    began = time.monotonic()
    with cancel_on_sigterm() as termination:
        try:
            async with make_client(args) as client:
                with progress.reporter(mode) as on_progress:
                    result = await client.cdrs.sync(
                        args.to,
                        since=since,
                        until=until,
                        follow=args.follow,
                        interval=args.interval,
                        lookback=args.lookback,
                        settle=args.settle,
                        table=args.table,
                        on_round=on_round,
                        on_progress=on_progress,
                        **filters_of(args),
                    )
        except asyncio.CancelledError:
            where = f" (watermark {times.iso(last[-1].watermark)})" if last else ""
            print(
                f"nxcc: stopped{where}; the next run continues from the database", file=sys.stderr
            )
            if termination.requested:
                return 0
            raise
    elapsed = time.monotonic() - began
    rate = result.fetched / elapsed if elapsed > 0 else 0.0
    print(
        f"synced {result.fetched:,} rows ({result.inserted:,} new, {result.updated:,} updated) "
        f"in {elapsed:.1f} s, {rate:,.0f} rows/s -> table {result.table} of "
        f"{result.destination}; watermark {result.watermark:%Y-%m-%dT%H:%M:%SZ}, "
        f"lag {result.lag:.0f} s"
    )
    return 0
