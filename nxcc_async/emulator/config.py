"""The emulator's knobs: latency, request-rate cap and injected faults (immutable attrs classes).

Replace a knob at runtime by assigning a new value: ``emu.faults = Faults(code99=0.1)``.
"""

from __future__ import annotations

import random
from typing import Literal

import attrs

Latency = float | tuple[float, float]
"""Seconds added to every request: fixed, or drawn uniformly from ``(min, max)``."""

FaultKind = Literal["code88", "code99", "http5xx", "drop", "slow"]


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a share in [0, 1], not {value!r}")


@attrs.frozen(kw_only=True)
class Faults:
    """Shares (0..1) of *valid* requests answered with a fault instead of the normal answer.

    ``code88``/``code99``: HTTP 200 with that NXCC code (CEC: ``0100001``/``0100999``);
    ``http5xx``: HTTP ``http_status`` with a plain-text body; ``drop``: the connection is closed
    with no response; ``slow``: the normal answer after ``slow_delay`` seconds.
    ``when="before"`` skips the processing (nothing changes on the server); ``"after"`` processes
    the request (e.g. ``ai/createandcall`` creates its calls) and then answers with the fault.
    ``paths``: if given, only request paths ending with one of these strings are faulted.
    """

    code88: float = attrs.field(default=0.0, validator=_share)
    code99: float = attrs.field(default=0.0, validator=_share)
    http5xx: float = attrs.field(default=0.0, validator=_share)
    drop: float = attrs.field(default=0.0, validator=_share)
    slow: float = attrs.field(default=0.0, validator=_share)
    slow_delay: float = 5.0
    http_status: int = 503
    when: Literal["before", "after"] = "before"
    paths: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )

    def __attrs_post_init__(self) -> None:
        if self.code88 + self.code99 + self.http5xx + self.drop + self.slow > 1.0 + 1e-9:
            raise ValueError("the fault shares add up to more than 1")
        if self.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")

    def applies_to(self, path: str) -> bool:
        """Whether requests to ``path`` may be faulted."""
        return self.paths is None or path.endswith(self.paths)

    def draw(self, rng: random.Random) -> FaultKind | None:
        """One draw: the fault for the next valid request, or ``None``."""
        u = rng.random()
        for kind, share in (
            ("code88", self.code88),
            ("code99", self.code99),
            ("http5xx", self.http5xx),
            ("drop", self.drop),
            ("slow", self.slow),
        ):
            if u < share:
                return kind  # type: ignore[return-value]
            u -= share
        return None


NO_FAULTS = Faults()


@attrs.frozen
class RateLimit:
    """At most ``per_second`` requests admitted in any one-second span; the rest get HTTP 429
    with ``Retry-After: <retry_after>`` (whole seconds)."""

    per_second: int = attrs.field(validator=attrs.validators.ge(1))
    retry_after: int = attrs.field(default=1, validator=attrs.validators.ge(0))


def draw_latency(latency: Latency, rng: random.Random) -> float:
    """Seconds to wait for one request."""
    if isinstance(latency, tuple):
        low, high = latency
        return rng.uniform(low, high)
    return float(latency)
