"""A local emulator of the NXCC OpenAPI and the Huawei CEC monitoring API.

    async with Emulator(access_key="ak", access_secret="sk", seed=7) as emu:
        ...  # emu.base_url, emu.data (ground truth), emu.stats, emu.faults = Faults(...)

See ``docs/emulator.md``.
"""

from __future__ import annotations

from nxcc_async.emulator.cdrs import SPAN_END_S, SPAN_START_S, CdrFilter
from nxcc_async.emulator.config import Faults, Latency, RateLimit
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.emulator.live import LiveCall, LiveMode
from nxcc_async.emulator.push import PushStats, WebhookPush
from nxcc_async.emulator.server import Emulator
from nxcc_async.emulator.stats import Stats

__all__ = [
    "SPAN_END_S",
    "SPAN_START_S",
    "CdrFilter",
    "Emulator",
    "EmulatorData",
    "Faults",
    "Latency",
    "LiveCall",
    "LiveMode",
    "PushStats",
    "RateLimit",
    "Stats",
    "WebhookPush",
]
