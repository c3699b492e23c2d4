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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    return build_parser().parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run until cancelled."""
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
    ) as emu:
        print(f"NXCC/CEC emulator listening on {emu.base_url}")
        print(f"  NXCC: NXCC_BASE_URL={emu.base_url} NXCC_ACCESS_KEY={args.access_key} ", end="")
        print(f"NXCC_ACCESS_SECRET={args.access_secret} NXCC_TENANT_ID={args.tenant_id}")
        print(f"  CEC:  base_url={emu.base_url} access_key={args.cec_access_key} ", end="")
        print(f"secret_key={args.cec_secret_key}")
        print(f"        (nxcc cec watch: CEC_BASE_URL={emu.base_url} ", end="")
        print(f"CEC_ACCESS_KEY={args.cec_access_key} CEC_SECRET_KEY={args.cec_secret_key})")
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
