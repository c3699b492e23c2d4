"""``nxcc webhook serve``: receive CDR pushes into a database table, optionally reconciled by
the sync so a push the platform never delivered is still fetched from the API."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from nxcc_async.cli import times
from nxcc_async.cli.commands.cdrs import status_line
from nxcc_async.cli.errors import UsageError
from nxcc_async.cli.settings import add_connection_options, make_client
from nxcc_async.cli.sigterm import cancel_on_sigterm
from nxcc_async.harvest.sync import RoundReport
from nxcc_async.webhooks import STATS, PushStore, webhook_app

TOKEN_VAR = "NXCC_WEBHOOK_TOKEN"


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``webhook serve``."""
    group = sub.add_parser("webhook", help="receive CDR pushes", parents=[common])
    cmds = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cmds.add_parser(
        "serve",
        parents=[common],
        help="receive CDR pushes into a database table (optionally reconciled by the sync)",
        description="Serve POST --path on --host:--port; every verified push is upserted into "
        "--table of --to (the same tables as 'nxcc cdrs sync') and answered 200 once committed. "
        "Signed pushes are checked with the access key and secret; with --token (or "
        f"${TOKEN_VAR}) the token header is checked instead. With --reconcile-every S, the "
        "sync runs in the same process (a round every S seconds since --since), so CDRs whose "
        "push never arrived are fetched from the API. Stops on Ctrl-C or SIGTERM.",
    )
    p.add_argument(
        "--to", required=True, metavar="URL", help="sqlite:///cdrs.db or postgresql://user@host/db"
    )
    p.add_argument("--port", type=int, default=8000, help="default 8000; 0 picks a free port")
    p.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    p.add_argument("--path", default="/nxcc/cdr", help="default /nxcc/cdr")
    p.add_argument("--table", default="cdrs", help="table name (default cdrs)")
    p.add_argument(
        "--token",
        help=f"token mode: the expected token header (default: ${TOKEN_VAR}; prefer the "
        "variable: flags show in process lists)",
    )
    p.add_argument(
        "--tolerance", type=float, default=300.0, metavar="S", help="max |now - ts| (300)"
    )
    r = p.add_argument_group("reconciliation (the sync, in the same process)")
    r.add_argument("--reconcile-every", type=float, metavar="S", help="a sync round every S s")
    r.add_argument("--since", help="the sync's start: ISO-8601 with offset, YYYY-MM-DD, Unix s")
    r.add_argument("--tz", metavar="AREA/CITY", help="zone of --since given without an offset")
    r.add_argument("--lookback", type=float, default=7200.0, metavar="S", help="default 7200")
    r.add_argument("--settle", type=float, default=5.0, metavar="S", help="default 5")
    add_connection_options(p)
    p.set_defaults(run=run_serve)


def receiver_settings(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``webhook_app`` credentials from the flags and the environment (flags win)."""
    env = os.environ if environ is None else environ
    access_key = args.access_key or env.get("NXCC_ACCESS_KEY") or None
    token = args.token or env.get(TOKEN_VAR)
    if token:  # the access key is optional: when set, a push's accessKey header must match it
        return {"access_key": access_key, "token": token}
    secret = args.access_secret or env.get("NXCC_ACCESS_SECRET")
    if not secret:
        raise UsageError(
            f"no way to verify pushes: set NXCC_ACCESS_SECRET (signed pushes) or {TOKEN_VAR} "
            "(token pushes)"
        )
    if not access_key:
        raise UsageError("no access key: set NXCC_ACCESS_KEY (or pass --access-key)")
    return {"access_key": access_key, "access_secret": secret}


def _since(args: argparse.Namespace) -> int | None:
    """The reconciliation's start (``None`` without ``--reconcile-every``)."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0..65535, not {args.port}")
    if args.reconcile_every is None:
        if args.since is not None:
            raise UsageError("--since is the reconciliation's start: give --reconcile-every too")
        return None
    if args.reconcile_every <= 0:
        raise UsageError("--reconcile-every must be > 0 seconds")
    if args.since is None:
        raise UsageError("--reconcile-every needs --since (where the sync starts)")
    return times.parse_time(args.since, "--since", times.zone(args.tz))


async def run_serve(args: argparse.Namespace) -> int:
    """Run ``nxcc webhook serve``."""
    since = _since(args)
    settings = receiver_settings(args)
    try:
        push_store = PushStore(args.to, args.table)
        app = webhook_app(push_store, path=args.path, tolerance=args.tolerance, **settings)
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    client = make_client(args) if since is not None else None

    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=5.0,
        logger=logging.getLogger("nxcc_async.webhooks"),  # the CLI prints one line per error
    )
    with cancel_on_sigterm() as termination:
        try:
            async with push_store:
                await runner.setup()
                try:
                    site = web.TCPSite(runner, args.host, args.port)
                    await site.start()
                    host, port = runner.addresses[0][:2]
                    mode = "token" if "token" in settings else "signed"
                    print(
                        f"nxcc: receiving {mode} CDR pushes on http://{host}:{port}{args.path} -> "
                        f"table {args.table} of {push_store.store.display_url}",
                        flush=True,
                    )
                    if client is None or since is None:
                        await asyncio.Event().wait()
                    else:
                        await _reconcile(args, client, since)
                finally:
                    await runner.cleanup()
        except asyncio.CancelledError:
            if not termination.requested:
                raise
        finally:
            if client is not None:
                await client.aclose()
            _summary(app, push_store)
    return 0


def _summary(app: web.Application, push_store: PushStore) -> None:
    stats = app[STATS]
    print(
        f"nxcc: stopped; {stats['received']:,} pushes received: {stats['stored']:,} stored "
        f"({push_store.inserted:,} new rows, {push_store.updated:,} updated), "
        f"{stats['refused']:,} refused, {stats['failed']:,} failed",
        file=sys.stderr,
        flush=True,
    )


async def _reconcile(args: argparse.Namespace, client: Any, since: int) -> None:
    def on_round(report: RoundReport) -> None:
        print(f"nxcc: reconcile {status_line(report)}", file=sys.stderr, flush=True)

    await client.cdrs.sync(
        args.to,
        since=since,
        follow=True,
        interval=args.reconcile_every,
        lookback=args.lookback,
        settle=args.settle,
        table=args.table,
        on_round=on_round,
    )
