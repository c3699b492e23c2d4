"""A dlt pipeline loading the nxcc source into DuckDB every ``--interval`` seconds (the dlt
counterpart of ``nxcc cdrs sync --follow``, for tests); ``--once`` runs one load and exits."""

from __future__ import annotations

import argparse
import sys
import time

import dlt

from nxcc_async import AsyncNXCC, RetryPolicy
from nxcc_async.integrations.dlt import nxcc_source


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--duckdb", required=True)
    p.add_argument("--pipelines-dir", required=True)
    p.add_argument("--since", type=int, required=True)
    p.add_argument("--lookback", type=float, required=True)
    p.add_argument("--interval", type=float, default=2.0)
    p.add_argument("--once", action="store_true")
    args = p.parse_args()

    def client() -> AsyncNXCC:
        return AsyncNXCC(
            access_key="ak",
            access_secret="sk",
            base_url=args.base_url,
            tenant_id=144,
            retry=RetryPolicy(max_retries=6, wait_initial=0.1, wait_max=1.0),
        )

    pipeline = dlt.pipeline(
        "nxcc_follow",
        destination=dlt.destinations.duckdb(args.duckdb),
        dataset_name="callcenter",
        pipelines_dir=args.pipelines_dir,
    )
    while True:
        began = time.monotonic()
        try:
            pipeline.run(nxcc_source(client, since=args.since, lookback=args.lookback, settle=0))
        except Exception as exc:  # a failed load is retried at the next interval
            if args.once:
                raise
            print(f"dlt_follow: load failed: {exc}", file=sys.stderr, flush=True)
        if args.once:
            return 0
        time.sleep(max(0.0, args.interval - (time.monotonic() - began)))


if __name__ == "__main__":
    sys.exit(main())
