"""NXCC client settings: regions, base URLs and what ``from_env`` reads."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import Any


class Region(str, enum.Enum):
    """NXCC gateways. A private ``base_url`` is always accepted instead."""

    HK = "hk"
    AMER = "amer"
    IDN = "idn"
    LEGACY = "legacy"

    @property
    def base_url(self) -> str:
        """The region's API gateway."""
        return _GATEWAYS[self]


_GATEWAYS = {
    Region.HK: "https://api-hk.nxlink.ai",
    Region.AMER: "https://chl-api.nxlink.ai",
    Region.IDN: "https://api-idn.nxlink.ai",
    Region.LEGACY: "https://api2.nxcloud.com",
}


def resolve_base_url(region: Region | str | None, base_url: str | None) -> str:
    """The base URL from exactly one of ``region`` and ``base_url`` (default region ``hk``)."""
    if base_url is not None:
        if region is not None:
            raise ValueError("give either region= or base_url=, not both")
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        return base_url.rstrip("/")
    try:
        return Region(region or Region.HK).base_url
    except ValueError:
        known = ", ".join(r.value for r in Region)
        raise ValueError(f"unknown region {region!r}; known: {known}, or pass base_url=") from None


ENV_VARS = (
    "NXCC_ACCESS_KEY",
    "NXCC_ACCESS_SECRET",
    "NXCC_REGION",
    "NXCC_BASE_URL",
    "NXCC_TENANT_ID",
)


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Client keyword arguments from ``NXCC_*`` environment variables."""
    env = os.environ if environ is None else environ
    missing = [name for name in ENV_VARS[:2] if not env.get(name)]
    if missing:
        raise ValueError(f"set {' and '.join(missing)} in the environment")
    settings: dict[str, Any] = {
        "access_key": env["NXCC_ACCESS_KEY"],
        "access_secret": env["NXCC_ACCESS_SECRET"],
    }
    if env.get("NXCC_BASE_URL"):
        settings["base_url"] = env["NXCC_BASE_URL"]
    elif env.get("NXCC_REGION"):
        settings["region"] = env["NXCC_REGION"]
    if tenant := env.get("NXCC_TENANT_ID"):
        try:
            settings["tenant_id"] = int(tenant)
        except ValueError:
            raise ValueError(f"NXCC_TENANT_ID must be an integer, got {tenant!r}") from None
    return settings


def client_settings(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``from_env``'s arguments: the environment's settings, then ``overrides`` on top (a
    ``region`` or ``base_url`` override replaces whichever of the two the environment set)."""
    settings = settings_from_env()
    if "region" in overrides or "base_url" in overrides:
        settings.pop("region", None)
        settings.pop("base_url", None)
    return {**settings, **overrides}
