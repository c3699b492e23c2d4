"""The client of a command: ``NXCC_*`` (``CEC_*`` for ``nxcc cec``) environment variables,
overridden by flags.

Flags are folded into the environment's names and read by the library's own
``settings_from_env``, so the CLI and ``AsyncNXCC.from_env()`` agree on every rule.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any

from nxcc_async.cec.client import AsyncCEC
from nxcc_async.cli.errors import UsageError
from nxcc_async.client.client import AsyncNXCC
from nxcc_async.nxcc.config import ENV_VARS, settings_from_env

_FLAG_VARS = {
    "access_key": "NXCC_ACCESS_KEY",
    "access_secret": "NXCC_ACCESS_SECRET",
    "region": "NXCC_REGION",
    "base_url": "NXCC_BASE_URL",
    "tenant_id": "NXCC_TENANT_ID",
}
_TUNING = ("algorithm", "max_concurrency", "rate_limit", "timeout", "max_retries")


def client_settings(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``AsyncNXCC`` keyword arguments from the environment and the flags (flags win)."""
    source = os.environ if environ is None else environ
    env = {name: source[name] for name in ENV_VARS if source.get(name)}
    if args.region is not None and args.base_url is not None:
        raise UsageError("give either --region or --base-url, not both")
    if args.region is not None:
        env.pop("NXCC_BASE_URL", None)  # a --region flag beats an NXCC_BASE_URL in the env
    for attr, name in _FLAG_VARS.items():
        value = getattr(args, attr)
        if value is not None:
            env[name] = str(value)
    missing = [name for name in ENV_VARS[:2] if not env.get(name)]
    if missing:
        raise UsageError(
            f"no credentials: set {' and '.join(missing)} in the environment "
            "(or pass --access-key / --access-secret)"
        )
    settings = settings_from_env(env)
    for name in _TUNING:
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return settings


def make_client(args: argparse.Namespace) -> AsyncNXCC:
    """A client for the command (use it with ``async with``)."""
    return AsyncNXCC(**client_settings(args))


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """The credentials and tuning flags of every command that calls the API."""
    g = parser.add_argument_group("connection (flags override NXCC_* environment variables)")
    g.add_argument("--access-key", metavar="KEY", help="default: $NXCC_ACCESS_KEY")
    g.add_argument(
        "--access-secret",
        metavar="SECRET",
        help="default: $NXCC_ACCESS_SECRET (prefer the variable: flags show in process lists)",
    )
    g.add_argument("--region", help="hk, amer, idn or legacy (default: $NXCC_REGION or hk)")
    g.add_argument("--base-url", metavar="URL", help="default: $NXCC_BASE_URL")
    g.add_argument("--tenant-id", type=int, metavar="ID", help="default: $NXCC_TENANT_ID")
    g.add_argument("--algorithm", choices=("md5", "sha256"), help="signature (default md5)")
    g.add_argument("--max-concurrency", type=int, metavar="N", help="requests in flight (8)")
    g.add_argument("--rate-limit", type=float, metavar="RPS", help="requests per second cap")
    g.add_argument("--timeout", type=float, metavar="S", help="seconds per request (30)")
    g.add_argument("--max-retries", type=int, metavar="N", help="retries per request (3)")


#: ``AsyncCEC`` settings: flag attribute -> environment variable.
CEC_VARS = {
    "cec_base_url": "CEC_BASE_URL",
    "cec_access_key": "CEC_ACCESS_KEY",
    "cec_secret_key": "CEC_SECRET_KEY",
}


def cec_settings(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``AsyncCEC`` keyword arguments from ``CEC_*`` variables and the flags (flags win)."""
    source = os.environ if environ is None else environ
    values = {attr: getattr(args, attr) or source.get(name) for attr, name in CEC_VARS.items()}
    missing = [CEC_VARS[attr] for attr, value in values.items() if not value]
    if missing:
        raise UsageError(
            f"no CEC connection: set {' and '.join(missing)} in the environment "
            "(or pass --base-url / --access-key / --secret-key)"
        )
    settings: dict[str, Any] = {
        "base_url": values["cec_base_url"],
        "access_key": values["cec_access_key"],
        "secret_key": values["cec_secret_key"],
    }
    if args.signed_headers:
        settings["signed_headers"] = tuple(h.strip() for h in args.signed_headers.split(","))
    if args.signed_host:
        settings["host"] = args.signed_host
    if args.ca_file:
        settings["ssl"] = args.ca_file
    for name in ("max_concurrency", "rate_limit", "timeout", "max_retries"):
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return settings


def make_cec_client(args: argparse.Namespace) -> AsyncCEC:
    """A CEC client for the command (use it with ``async with``)."""
    return AsyncCEC(**cec_settings(args))


def add_cec_connection_options(parser: argparse.ArgumentParser) -> None:
    """The CEC credentials and tuning flags (``nxcc cec ...``)."""
    g = parser.add_argument_group("CEC connection (flags override CEC_* environment variables)")
    g.add_argument("--base-url", dest="cec_base_url", metavar="URL", help="default: $CEC_BASE_URL")
    g.add_argument(
        "--access-key", dest="cec_access_key", metavar="AK", help="default: $CEC_ACCESS_KEY"
    )
    g.add_argument(
        "--secret-key",
        dest="cec_secret_key",
        metavar="SK",
        help="default: $CEC_SECRET_KEY (prefer the variable: flags show in process lists)",
    )
    g.add_argument(
        "--signed-headers", metavar="NAMES", help="e.g. host,content-type (default host)"
    )
    g.add_argument("--signed-host", metavar="HOST", help="host value to sign behind a balancer")
    g.add_argument("--ca-file", metavar="PEM", help="CA bundle of a private certificate")
    g.add_argument("--max-concurrency", type=int, metavar="N", help="requests in flight (8)")
    g.add_argument("--rate-limit", type=float, metavar="RPS", help="requests per second cap")
    g.add_argument("--timeout", type=float, metavar="S", help="seconds per request (30)")
    g.add_argument("--max-retries", type=int, metavar="N", help="retries per request (3)")
