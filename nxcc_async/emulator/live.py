"""Live CDRs: calls that start around the real clock and whose CDR appears only once it ended.

This is our model of the vendor, an **assumption** (the NXCC documents say nothing about when a
CDR becomes queryable): a call centre writes a call's CDR when the call ends, and its billing
fills the price some time later. So, for a call that started at ``s`` and lasted ``d``:

- ``cdr/page`` (which filters on ``startTime``) returns nothing for it before ``s + d + delay``
  (the *processing delay*, drawn per call from :attr:`LiveMode.delay`);
- from then on it returns the CDR; a share :attr:`LiveMode.revised` of the CDRs is first served
  *preliminary* (no ``totalCustomerPrice``, ``recordUrl`` or ``mos``) and replaced by the final
  values :attr:`LiveMode.revise_after` seconds later.

A client that pages "since its last run" by ``startTime`` therefore misses every call that
started before its last run and ended after it: that is what ``cdrs.sync``'s lookback is for.

Calls start as a Poisson process of :attr:`LiveMode.calls_per_minute` between ``start`` and
``end`` (Unix seconds; ``start`` defaults to an hour before the store was made, ``end`` to never)
and last from seconds to hours (log-uniform over :attr:`LiveMode.duration`). Every call of one
minute is a pure function of ``(seed, minute)``: two emulators of the same seed agree, and a
test's ground truth (:meth:`LiveCdrStore.calls`) is exact.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from nxcc_async.emulator.cdrs import CDR, CdrFilter, CdrStore, Person, bucket_of

_NO_FILTER = CdrFilter()
_MINUTE = 60
#: Fields missing from a preliminary CDR (filled when the call is rated).
PRELIMINARY_NULLS = ("totalCustomerPrice", "recordUrl", "mos")


def _span(name: str) -> Callable[[Any, attrs.Attribute[Any], tuple[float, float]], None]:
    def check(_: Any, __: attrs.Attribute[Any], value: tuple[float, float]) -> None:
        low, high = value
        if not 0 <= low <= high:
            raise ValueError(f"{name} must be (min, max) with 0 <= min <= max, not {value!r}")

    return check


@attrs.frozen(kw_only=True)
class LiveMode:
    """The live CDR model's knobs; see the module doc. Times in seconds."""

    calls_per_minute: float = attrs.field(default=20.0, validator=attrs.validators.ge(0.0))
    #: call length, from the first event to hang-up: log-uniform between (min, max)
    duration: tuple[float, float] = attrs.field(
        default=(5.0, 3600.0), converter=tuple, validator=_span("duration")
    )
    #: processing delay between the end of a call and its CDR being queryable, uniform
    delay: tuple[float, float] = attrs.field(
        default=(0.0, 120.0), converter=tuple, validator=_span("delay")
    )
    #: share of CDRs first served without price/recording, and how long until they are final
    revised: float = attrs.field(default=0.2, validator=[attrs.validators.ge(0.0)])
    revise_after: tuple[float, float] = attrs.field(
        default=(1.0, 60.0), converter=tuple, validator=_span("revise_after")
    )
    #: the calls' start times: [start, end); None: an hour before the store was made / never
    start: float | None = None
    end: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.duration[0] < 1:
            raise ValueError("duration must be at least 1 second")
        if self.revised > 1:
            raise ValueError("revised is a share in [0, 1]")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end is before start")


@attrs.frozen
class LiveCall:
    """One call of the live model: its final CDR and when the server shows what.

    ``visible_at``: when ``cdr/page`` starts returning it; ``final_at``: when it returns the
    final values (``== visible_at`` unless revised). Unix seconds (floats)."""

    cdr: CDR = attrs.field(eq=False, repr=False)
    start_ms: int
    end_ms: int
    visible_at: float
    final_at: float

    @property
    def call_id(self) -> str:
        """The call's ``callId``."""
        return str(self.cdr["callId"])

    def as_of(self, now: float) -> CDR | None:
        """The CDR the server returns at ``now`` (``None`` before it is visible)."""
        if now < self.visible_at:
            return None
        if now < self.final_at:
            return {**self.cdr, **dict.fromkeys(PRELIMINARY_NULLS)}
        return self.cdr


class LiveCdrStore:
    """The CDRs of a live emulator (same query interface as :class:`CdrStore`).

    ``clock`` (default ``time.time``) is the server's clock; a fake one replays a period."""

    def __init__(
        self,
        mode: LiveMode,
        *,
        seed: int,
        tenant_id: int,
        agents: Sequence[Person],
        dids: Sequence[str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.mode = mode
        self.seed = seed
        self.tenant_id = tenant_id
        self.clock = clock
        self.start = int(mode.start if mode.start is not None else clock() - 3600)
        self.end = None if mode.end is None else math.ceil(mode.end)
        # the per-call field generator of the historical store, reused for realistic CDRs
        self._maker = CdrStore(
            seed=seed, tenant_id=tenant_id, cdrs_per_day=0, agents=agents, dids=dids
        )
        self._minutes: OrderedDict[int, list[LiveCall]] = OrderedDict()
        self._created: dict[int, list[LiveCall]] = {}
        self._lock = threading.RLock()

    # -- the calls ---------------------------------------------------------------------------------

    def _minute(self, minute: int) -> list[LiveCall]:
        with self._lock:
            calls = self._minutes.get(minute)
            if calls is None:
                calls = self._generate(minute) + self._created.get(minute, [])
                calls.sort(key=lambda c: (c.start_ms, c.call_id))
                self._minutes[minute] = calls
                if len(self._minutes) > 20_000:
                    self._minutes.popitem(last=False)
            return calls

    def _generate(self, minute: int) -> list[LiveCall]:
        low_ms = max(minute * _MINUTE, self.start) * 1000
        high_s = (
            (minute + 1) * _MINUTE if self.end is None else min((minute + 1) * _MINUTE, self.end)
        )
        if high_s * 1000 <= low_ms:
            return []
        rng = random.Random(f"live:{self.seed}:{minute}")
        n = _poisson(rng, self.mode.calls_per_minute)
        starts = sorted(
            rng.randrange(minute * _MINUTE * 1000, (minute + 1) * _MINUTE * 1000) for _ in range(n)
        )
        return [
            self._call(rng, f"L{minute:08x}{i:04x}", start)
            for i, start in enumerate(starts)
            if low_ms <= start < high_s * 1000
        ]

    def _call(self, rng: random.Random, prefix: str, start_ms: int, **fixed: Any) -> LiveCall:
        mode = self.mode
        low, high = mode.duration
        seconds = math.exp(rng.uniform(math.log(low), math.log(high)))
        end_ms = start_ms + max(1000, int(seconds * 1000))
        day = dt.datetime.fromtimestamp(start_ms // 1000, dt.timezone.utc).strftime("%Y%m%d")
        cdr = self._maker._make(rng, bucket_of(start_ms), 0, start_ms, day, **fixed)
        call_id = f"{prefix}{rng.getrandbits(64):016x}"
        _fit(cdr, call_id, end_ms)
        visible = end_ms / 1000 + rng.uniform(*mode.delay)
        final = visible
        if rng.random() < mode.revised:
            final += rng.uniform(*mode.revise_after)
        return LiveCall(cdr, start_ms, end_ms, visible, final)

    def create_calls(
        self, calls: Sequence[tuple[str, str | None, str | None]], *, now_ms: int, task_id: str
    ) -> list[CDR]:
        """Add one AICC call per ``(phone, orderId, other)``, starting a second apart from now
        (their CDRs appear once they ended, like every live call)."""
        created = []
        with self._lock:
            rng = random.Random(f"livecall:{self.seed}:{task_id}:{now_ms}")
            for k, (phone, order_id, other) in enumerate(calls):
                start = now_ms + k * 1000
                call = self._call(
                    rng, f"A{start // 1000:010x}{k:04x}", start, direction=2, phone=phone,
                    order_id=order_id, other=other, task_id=task_id,
                )  # fmt: skip
                minute = start // 1000 // _MINUTE
                self._created.setdefault(minute, []).append(call)
                self._minutes.pop(minute, None)
                created.append(call.cdr)
        return created

    def calls(self, start_s: int | None = None, end_s: int | None = None) -> Iterator[LiveCall]:
        """Every call that started in ``[start_s, end_s)`` (default: the store's whole span up to
        the clock's current minute), in ``(startTime, callId)`` order, visible or not: the
        ground truth for tests."""
        low = self.start if start_s is None else max(start_s, self.start)
        if end_s is None:
            end_s = int(self.clock()) + _MINUTE if self.end is None else self.end
        high = end_s if self.end is None else min(end_s, self.end)
        for minute in range(low // _MINUTE, -(-high // _MINUTE) if high > low else 0):
            for call in self._minute(minute):
                if low * 1000 <= call.start_ms < high * 1000:
                    yield call

    # -- the CdrStore query interface (what the server shows now) ----------------------------------

    def iter(self, start_s: int, end_s: int, f: CdrFilter = _NO_FILTER) -> Iterator[CDR]:
        """Every CDR visible now whose ``startTime // 1000`` is in ``[start_s, end_s]`` and that
        passes ``f``, in order, as the server shows it now."""
        now = self.clock()
        for call in self.calls(start_s, end_s + 1):
            cdr = call.as_of(now)
            if cdr is not None and f.matches(cdr):
                yield cdr

    def page(self, start_s: int, end_s: int, f: CdrFilter, offset: int, limit: int) -> list[CDR]:
        """``limit`` matching CDRs from position ``offset``."""
        out: list[CDR] = []
        for cdr in self.iter(start_s, end_s, f):
            if offset:
                offset -= 1
                continue
            out.append(cdr)
            if len(out) == limit:
                break
        return out

    def count(self, start_s: int, end_s: int, f: CdrFilter = _NO_FILTER) -> int:
        """How many CDRs :meth:`iter` gives."""
        return sum(1 for _ in self.iter(start_s, end_s, f))

    def by_order_id(self, order_id: str) -> list[CDR]:
        """Every visible CDR carrying ``order_id`` among the calls created at runtime."""
        now = self.clock()
        with self._lock:
            found = [c.as_of(now) for calls in self._created.values() for c in calls]
        return [c for c in found if c is not None and c["orderId"] == order_id]


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method, in chunks so large means do not underflow)."""
    count = 0
    while mean > 0:
        step = min(mean, 30.0)
        mean -= step
        limit, product = math.exp(-step), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def _fit(cdr: CDR, call_id: str, end_ms: int) -> None:
    """Make a generated CDR end at ``end_ms`` and carry ``call_id`` (times kept consistent)."""
    old = cdr["callId"]
    start = cdr["startTime"]
    for key in ("recordUrl", "leaveMsgUrl"):
        if cdr.get(key):
            cdr[key] = cdr[key].replace(old, call_id)
    cdr["callId"] = call_id
    if str(cdr.get("orderId") or "").startswith("AI"):
        cdr["orderId"] = f"AI{call_id[-12:]}"  # generated AICC order ids: one per call
    cdr["endTime"] = end_ms
    for key in ("inQueueTime", "outQueueTime", "ringTime"):
        if cdr[key]:
            cdr[key] = min(cdr[key], start + (end_ms - start) // 4)
    if cdr["answered"]:
        cdr["answerTime"] = min(
            max(cdr["answerTime"], cdr["ringTime"]), start + (end_ms - start) // 2
        )
        cdr["callDuration"] = (end_ms - cdr["answerTime"]) // 1000
        cdr["totalCustomerPrice"] = round(
            ((cdr["callDuration"] + 59) // 60) * (0.012, 0.018, 0.009)[cdr["direction"]], 4
        )
    if cdr["queueDuration"]:
        cdr["queueDuration"] = (cdr["outQueueTime"] - cdr["inQueueTime"]) // 1000
