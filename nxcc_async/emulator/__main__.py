"""``python -m nxcc_async.emulator``: serve the emulator until Ctrl-C.

Prints the base URL and the demo credentials it was started with (they are demo values).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence

from nxcc_async.emulator.cdrs import PROFILES
from nxcc_async.emulator.config import Faults, Latency, RateLimit
from nxcc_async.emulator.live import LiveMode
from nxcc_async.emulator.push import PUSH_MODES, WebhookPush
from nxcc_async.emulator.server import DEFAULT_CEC_ACCESS_KEY, DEFAULT_CEC_SECRET_KEY, Emulator


def _latency(text: str) -> Latency:
    """``--latency``: seconds, or ``MIN,MAX`` seconds."""
    try:
        if "," in text:
            low, high = text.split(",", 1)
            pair = (float(low), float(high))
            if not 0 <= pair[0] <= pair[1]:
                raise ValueError
            return pair
        value = float(text)
        if value < 0:
            raise ValueError
        return value
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a delay; give seconds (0.05) or MIN,MAX (0.01,0.2)"
        ) from None


def _calls_per_minute(text: str) -> float:
    """``--live``: calls per minute, a positive number."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of calls per minute (> 0)")
    return value


def _webhook(args: argparse.Namespace) -> WebhookPush | None:
    """The push of ``--push-to``/``--push-mode``/``--push-token`` (``ValueError`` if invalid)."""
    if args.push_to is None:
        if args.push_token is not None or args.push_mode != "md5":
            raise ValueError("--push-mode and --push-token go with --push-to URL")
        return None
    if args.push_token is not None and args.push_mode != "token":
        raise ValueError("--push-token goes with --push-mode token")
    token = {} if args.push_token is None else {"token": args.push_token}
    return WebhookPush(url=args.push_to, mode=args.push_mode, **token)


def build_parser(
    prog: str = "python -m nxcc_async.emulator", *, add_help: bool = True
) -> argparse.ArgumentParser:
    """The command-line parser (also the parent of ``nxcc emulator``)."""
    p = argparse.ArgumentParser(prog=prog, description=__doc__, add_help=add_help)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (8080); 0 picks a free port")
    p.add_argument("--seed", type=int, default=7, help="seed of the generated data (7)")
    p.add_argument("--access-key", default="ak", help="NXCC access key accepted (ak)")
    p.add_argument("--access-secret", default="sk", help="NXCC access secret accepted (sk)")
    p.add_argument("--tenant-id", type=int, default=144, help="NXCC tenant (team) id (144)")
    p.add_argument(
        "--cec-access-key",
        default=DEFAULT_CEC_ACCESS_KEY,
        help=f"CEC access key accepted ({DEFAULT_CEC_ACCESS_KEY})",
    )
    p.add_argument(
        "--cec-secret-key",
        default=DEFAULT_CEC_SECRET_KEY,
        help=f"CEC secret key accepted ({DEFAULT_CEC_SECRET_KEY})",
    )
    p.add_argument(
        "--cec-live",
        type=float,
        default=None,
        metavar="SECONDS",
        help="CEC agents change state every SECONDS (default: static data)",
    )
    p.add_argument(
        "--cdrs-per-day", type=int, default=1000, metavar="N", help="CDRs per day (1000)"
    )
    p.add_argument(
        "--profile", choices=sorted(PROFILES), default="office", help="daily density of the CDRs"
    )
    p.add_argument("--agents", type=int, default=240, metavar="N", help="NXCC agents (240)")
    p.add_argument(
        "--latency",
        type=_latency,
        default=0.0,
        metavar="S|MIN,MAX",
        help="delay of every reply in seconds, or a uniform MIN,MAX range (0)",
    )
    p.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="requests per second; HTTP 429 above (default: none)",
    )
    p.add_argument(
        "--live",
        type=_calls_per_minute,
        default=None,
        metavar="CALLS_PER_MINUTE",
        help="live CDRs: calls keep coming at this rate and each CDR appears 0-120 s after "
        "its call ended, some revised later (default: a fixed history)",
    )
    p.add_argument(
        "--push-to",
        metavar="URL",
        default=None,
        help="push CDRs to this webhook URL like the platform does (with --live: each call "
        "once its CDR is final)",
    )
    p.add_argument(
        "--push-mode",
        choices=PUSH_MODES,
        default="md5",
        help="how pushes authenticate: signed headers (md5, sha256) or a token header (md5)",
    )
    p.add_argument(
        "--push-token",
        default=None,
        metavar="TOKEN",
        help="the token header of --push-mode token (default: the emulator's demo token)",
    )
    what = {
        "code88": "code 88 (server busy)",
        "code99": "code 99 (system error)",
        "http5xx": "HTTP 5xx",
        "drop": "a dropped connection",
        "slow": "the normal reply 5 s late",
    }
    for kind, reply in what.items():
        p.add_argument(
            f"--fault-{kind}",
            type=float,
            default=0.0,
            metavar="SHARE",
            help=f"share of valid requests answered with {reply} (0..1, default 0)",
        )
    return p


async def serve(args: argparse.Namespace) -> None:
    """Run until cancelled (``ValueError`` for push options that do not fit together)."""
    webhook = _webhook(args)
    faults = Faults(
        code88=args.fault_code88,
        code99=args.fault_code99,
        http5xx=args.fault_http5xx,
        drop=args.fault_drop,
        slow=args.fault_slow,
    )
    async with Emulator(
        host=args.host,
        port=args.port,
        seed=args.seed,
        access_key=args.access_key,
        access_secret=args.access_secret,
        tenant_id=args.tenant_id,
        cec_access_key=args.cec_access_key,
        cec_secret_key=args.cec_secret_key,
        cec_live_period=args.cec_live,
        cdrs_per_day=args.cdrs_per_day,
        profile=args.profile,
        n_agents=args.agents,
        latency=args.latency,
        rate_limit=RateLimit(args.rate_limit) if args.rate_limit else None,
        faults=faults,
        live=None if args.live is None else LiveMode(calls_per_minute=args.live),
        webhook=webhook,
    ) as emu:
        print(f"NXCC/CEC emulator listening on {emu.base_url}")
        print(f"  NXCC: NXCC_BASE_URL={emu.base_url} NXCC_ACCESS_KEY={args.access_key} ", end="")
        print(f"NXCC_ACCESS_SECRET={args.access_secret} NXCC_TENANT_ID={args.tenant_id}")
        print(f"  CEC:  base_url={emu.base_url} access_key={args.cec_access_key} ", end="")
        print(f"secret_key={args.cec_secret_key}")
        print(f"        (nxcc cec watch: CEC_BASE_URL={emu.base_url} ", end="")
        print(f"CEC_ACCESS_KEY={args.cec_access_key} CEC_SECRET_KEY={args.cec_secret_key})")
        if args.live is not None:
            print(f"  live CDRs: {args.live:g} calls a minute")
        if webhook is not None:
            print(f"  pushing CDRs to {webhook.url} ({webhook.mode})", end="")
            demo = args.push_token is None and webhook.mode == "token"
            print(f" (nxcc webhook serve: NXCC_WEBHOOK_TOKEN={webhook.token})" if demo else "")
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _webhook(args)
    except ValueError as exc:
        parser.error(str(exc))  # exit 2, with the usage line
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
