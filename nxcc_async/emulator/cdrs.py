"""Synthetic CDRs generated per hour bucket on demand, and the query engine over them.

Every CDR lives in the hour bucket of its ``startTime``. A bucket's records are a pure function
of ``(seed, bucket)``; its count is known without generating it (``cdrs_per_day`` split over the
24 hours by a fixed daily profile), so paging deep into a long range only generates the buckets
that the page returns (plus the range's two edge buckets). Generated buckets sit in a small LRU.
Calls created at runtime (``ai/createandcall``) are kept apart and merged into their bucket.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from nxcc_async.emulator import hangup

CDR = dict[str, Any]

SPAN_START_S = 1_577_836_800  # 2020-01-01T00:00:00Z
SPAN_END_S = 1_924_992_000  # 2031-01-01T00:00:00Z (exclusive)
HOUR_MS = 3_600_000
N_BUCKETS = (SPAN_END_S - SPAN_START_S) // 3600

_PROFILE = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 7, 6, 5, 4, 3, 2)
#: Daily profiles by name (relative weights of the 24 UTC hours). ``skewed``: quiet nights, busy
#: days and two peak hours 80 times as dense as a night hour, for harvest tests and benchmarks.
PROFILES: dict[str, tuple[int, ...]] = {
    "office": _PROFILE,
    "skewed": (1, 1, 1, 1, 1, 1, 1, 4, 20, 20, 80, 20, 20, 20, 80, 20, 20, 20, 20, 5, 5, 2, 1, 1),
    "flat": (1,) * 24,
}
_COUNTRY_PREFIX = (("65", 8), ("852", 8), ("62", 10), ("60", 9), ("63", 10), ("1", 10), ("44", 10))
_INTENTS = ("interested", "not interested", "call back later", "wrong number", "unknown")


def hour_counts(per_day: int, profile: str | Sequence[int] = "office") -> tuple[int, ...]:
    """``per_day`` split over the 24 UTC hours by a daily profile (a name of ``PROFILES`` or 24
    weights; largest remainder: exact)."""
    weights = PROFILES[profile] if isinstance(profile, str) else tuple(profile)
    if len(weights) != 24 or min(weights) < 0 or sum(weights) <= 0:
        raise ValueError(f"a daily profile is 24 weights >= 0, not all zero: {profile!r}")
    total = sum(weights)
    exact = [per_day * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_fraction = sorted(range(24), key=lambda h: (counts[h] - exact[h], h))
    for h in by_fraction[: per_day - sum(counts)]:
        counts[h] += 1
    return tuple(counts)


def bucket_of(ms: int) -> int:
    """The hour bucket holding epoch milliseconds ``ms``."""
    return (ms - SPAN_START_S * 1000) // HOUR_MS


def bucket_start_ms(bucket: int) -> int:
    """First epoch millisecond of ``bucket``."""
    return SPAN_START_S * 1000 + bucket * HOUR_MS


@attrs.frozen
class CdrFilter:
    """The ``cdr/page`` filters; ``direction`` in the *record* numbering (0 in, 1 out, 2 AICC)."""

    direction: int | None = None
    answered: bool | None = None
    name: str | None = None
    caller: str | None = None
    callee: str | None = None
    call_id: str | None = None
    order_id: str | None = None

    @property
    def empty(self) -> bool:
        """Whether every CDR matches."""
        return self == _NO_FILTER

    def matches(self, cdr: CDR) -> bool:
        """Whether ``cdr`` passes every filter that is set."""
        return (
            (self.direction is None or cdr["direction"] == self.direction)
            and (self.answered is None or cdr["answered"] is self.answered)
            and (self.name is None or cdr["agentName"] == self.name)
            and (self.caller is None or cdr["caller"] == self.caller)
            and (self.callee is None or cdr["callee"] == self.callee)
            and (self.call_id is None or cdr["callId"] == self.call_id)
            and (self.order_id is None or cdr["orderId"] == self.order_id)
        )


_NO_FILTER = CdrFilter()


@attrs.frozen
class Person:
    """The agent fields a CDR carries."""

    user_name: str
    nick_name: str | None


class CdrStore:
    """All CDRs of one emulator: generated buckets (LRU-cached) plus calls created at runtime."""

    def __init__(
        self,
        *,
        seed: int,
        tenant_id: int,
        cdrs_per_day: int,
        agents: Sequence[Person],
        dids: Sequence[str],
        cache_records: int = 50_000,
        profile: str | Sequence[int] = "office",
    ) -> None:
        if cdrs_per_day < 0 or cdrs_per_day > 24 * 0xFFFFF:
            raise ValueError("cdrs_per_day out of range")
        self.seed = seed
        self.tenant_id = tenant_id
        self.cdrs_per_day = cdrs_per_day
        self.hour_counts = hour_counts(cdrs_per_day, profile)
        self._agents = tuple(agents)
        self._dids = tuple(dids)
        self._cache_records = cache_records
        self._cache: OrderedDict[int, list[CDR]] = OrderedDict()
        self._cached = 0
        self._counts: OrderedDict[tuple[int, int, int, CdrFilter], int] = OrderedDict()
        self._extra: dict[int, list[CDR]] = {}
        self._extra_days: set[int] = set()
        self._by_order: dict[str, list[CDR]] = {}
        self._lock = threading.RLock()
        self.buckets_generated = 0

    # -- buckets ---------------------------------------------------------------------------------

    def base_count(self, bucket: int) -> int:
        """Generated CDRs in ``bucket`` (O(1), nothing generated)."""
        if not 0 <= bucket < N_BUCKETS:
            return 0
        return self.hour_counts[bucket % 24]

    def bucket(self, bucket: int) -> list[CDR]:
        """Every CDR of ``bucket``, ordered by (startTime, callId). Do not modify."""
        with self._lock:
            records = self._cache.get(bucket)
            if records is not None:
                self._cache.move_to_end(bucket)
                return records
            records = self._generate(bucket)
            extra = self._extra.get(bucket)
            if extra:
                records = sorted([*records, *extra], key=_order)
            self._cache[bucket] = records
            self._cached += len(records)
            while self._cached > self._cache_records and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cached -= len(old)
            return records

    def _generate(self, bucket: int) -> list[CDR]:
        n = self.base_count(bucket)
        if n == 0:
            return []
        self.buckets_generated += 1
        rng = random.Random(f"cdr:{self.seed}:{bucket}")
        start = bucket_start_ms(bucket)
        day = dt.datetime.fromtimestamp(start // 1000, dt.timezone.utc).strftime("%Y%m%d")
        offsets = sorted(rng.randrange(HOUR_MS) for _ in range(n))
        return [self._make(rng, bucket, i, start + off, day) for i, off in enumerate(offsets)]

    def _make(
        self,
        rng: random.Random,
        bucket: int,
        index: int,
        start: int,
        day: str,
        *,
        direction: int | None = None,
        phone: str | None = None,
        order_id: str | None = None,
        other: str | None = None,
        task_id: str | None = None,
    ) -> CDR:
        r = rng.random
        if direction is None:
            u = r()
            direction = 0 if u < 0.5 else 1 if u < 0.85 else 2
        answered = r() < (0.72, 0.55, 0.6)[direction]
        code = rng.choice(hangup.CHOICES[direction, answered])
        call_id = f"{bucket:05x}{index:05x}{rng.getrandbits(88):022x}"
        prefix, digits = rng.choice(_COUNTRY_PREFIX)
        customer = phone or prefix + str(rng.randrange(10 ** (digits - 1), 10**digits))
        did = rng.choice(self._dids)
        if direction == 0:
            in_queue = start + rng.randrange(2, 20) * 1000
            queue = rng.randrange(0, 90)
            out_queue = in_queue + queue * 1000
            ring_time = out_queue
        else:
            in_queue = out_queue = queue = 0
            ring_time = start + rng.randrange(1, 4) * 1000
        ring = rng.randrange(1, 25) if answered else rng.randrange(5, 40)
        if answered:
            talk = (
                rng.randrange(1, 6) if code in hangup.QUICK else 5 + int(rng.expovariate(1 / 180))
            )
            talk = min(talk, 7200)
            answer_time = ring_time + ring * 1000
            end = answer_time + talk * 1000
        else:
            talk = answer_time = 0
            end = ring_time + ring * 1000
        agent = rng.choice(self._agents) if code in hangup.WITH_AGENT and self._agents else None
        if direction == 2:
            task_id = task_id or f"T{self.tenant_id}{bucket // 24:05d}"
            order_id = order_id or f"AI{bucket:06d}{index:06d}"
        cdr: CDR = {
            "agentName": agent.user_name if agent else None,
            "agentNickName": agent.nick_name if agent else None,
            "answered": answered,
            "answerTime": answer_time,
            "callDuration": talk,
            "callee": customer if direction else did,
            "caller": did if direction else customer,
            "callId": call_id,
            "orderId": order_id,
            "direction": direction,
            "dtmfKeys": ",".join(rng.choices("0123456789", k=rng.randrange(1, 4)))
            if direction == 0 and r() < 0.4
            else "",
            "endTime": end,
            **hangup.FIELDS[code],
            "inQueueTime": in_queue,
            "outQueueTime": out_queue,
            "leaveMsgUrl": f"https://rec.nxcc.example.com/{self.tenant_id}/vm/{day}/{call_id}.mp3"
            if code in hangup.VOICEMAIL
            else None,
            "other": other,
            "intent": rng.choice(_INTENTS) if direction == 2 and answered else None,
            "queueDuration": queue,
            "recordUrl": f"https://rec.nxcc.example.com/{self.tenant_id}/{day}/{call_id}.mp3"
            if answered
            else None,
            "ringDuration": ring,
            "ringTime": ring_time,
            "startTime": start,
            "taskId": task_id if direction == 2 else None,
            "totalCustomerPrice": round(((talk + 59) // 60) * (0.012, 0.018, 0.009)[direction], 4),
            "lineIp": "10.20.0.11",
            "mediaIp": f"10.20.1.{rng.randrange(2, 30)}",
            "mos": round(rng.uniform(3.4, 4.5), 2) if answered else None,
        }
        return cdr

    # -- calls created at runtime ------------------------------------------------------------------

    def create_calls(
        self, calls: Sequence[tuple[str, str | None, str | None]], *, now_ms: int, task_id: str
    ) -> list[CDR]:
        """Add one AICC CDR per ``(phone, orderId, other)``, starting a second apart from now."""
        created = []
        with self._lock:
            rng = random.Random(f"call:{self.seed}:{task_id}:{now_ms}")
            for k, (phone, order_id, other) in enumerate(calls):
                start = now_ms + k * 1000
                bucket = bucket_of(start)
                extra = self._extra.setdefault(bucket, [])
                index = self.base_count(bucket) + len(extra)
                day = dt.datetime.fromtimestamp(start // 1000, dt.timezone.utc).strftime("%Y%m%d")
                cdr = self._make(
                    rng, bucket, index, start, day, direction=2, phone=phone,
                    order_id=order_id, other=other, task_id=task_id,
                )  # fmt: skip
                extra.append(cdr)
                self._extra_days.add(bucket // 24)
                if order_id:
                    self._by_order.setdefault(order_id, []).append(cdr)
                if bucket in self._cache:
                    self._cached -= len(self._cache.pop(bucket))
                created.append(cdr)
            self._counts.clear()
        return created

    def by_order_id(self, order_id: str) -> list[CDR]:
        """Every CDR carrying ``order_id`` (created calls, and a generated AICC order id)."""
        with self._lock:
            found = list(self._by_order.get(order_id, ()))
        if order_id.startswith("AI") and len(order_id) == 14 and order_id[2:].isdigit():
            bucket = int(order_id[2:8])
            found += [c for c in self.bucket(bucket) if c["orderId"] == order_id and c not in found]
        return sorted(found, key=_order)

    # -- queries -----------------------------------------------------------------------------------

    def _count(self, bucket: int, lo: int, hi: int, f: CdrFilter) -> int:
        """CDRs of ``bucket`` with startTime in [lo, hi] ms that pass ``f``."""
        b_lo = bucket_start_ms(bucket)
        b_hi = b_lo + HOUR_MS - 1
        lo, hi = max(lo, b_lo), min(hi, b_hi)
        if lo == b_lo and hi == b_hi and f.empty:
            return self.base_count(bucket) + len(self._extra.get(bucket, ()))
        key = (bucket, lo, hi, f)
        with self._lock:
            cached = self._counts.get(key)
            if cached is not None:
                return cached
        n = sum(1 for c in self.bucket(bucket) if lo <= c["startTime"] <= hi and f.matches(c))
        with self._lock:
            self._counts[key] = n
            if len(self._counts) > 200_000:
                self._counts.popitem(last=False)
        return n

    def _buckets(self, lo: int, hi: int) -> range:
        first = max(bucket_of(lo), 0)
        last = min(bucket_of(hi), N_BUCKETS - 1)
        return range(first, last + 1)

    def count(self, start_s: int, end_s: int, f: CdrFilter = _NO_FILTER) -> int:
        """CDRs whose ``startTime // 1000`` is in ``[start_s, end_s]`` and that pass ``f``."""
        lo, hi = start_s * 1000, end_s * 1000 + 999
        return sum(self._count(b, lo, hi, f) for b in self._buckets(lo, hi))

    def page(self, start_s: int, end_s: int, f: CdrFilter, offset: int, limit: int) -> list[CDR]:
        """``limit`` matching CDRs from position ``offset`` in (startTime, callId) order."""
        lo, hi = start_s * 1000, end_s * 1000 + 999
        buckets = self._buckets(lo, hi)
        out: list[CDR] = []
        b = buckets.start
        day_ms = 24 * HOUR_MS
        while b < buckets.stop and len(out) < limit:
            if (
                f.empty
                and b % 24 == 0
                and offset >= self.cdrs_per_day
                and b + 24 <= buckets.stop
                and lo <= bucket_start_ms(b)
                and bucket_start_ms(b) + day_ms - 1 <= hi
                and b // 24 not in self._extra_days
            ):
                offset -= self.cdrs_per_day  # a whole day skipped in O(1)
                b += 24
                continue
            n = self._count(b, lo, hi, f)
            if offset >= n:
                offset -= n
            elif n and f.empty:  # the matching rows are one run: slice it
                rows = self.bucket(b)
                first = bisect.bisect_left(rows, lo, key=_start) if lo > bucket_start_ms(b) else 0
                out += rows[first + offset : first + min(n, offset + limit - len(out))]
                offset = 0
            elif n:
                rows = self.bucket(b)
                for c in rows:
                    if lo <= c["startTime"] <= hi and f.matches(c):
                        if offset:
                            offset -= 1
                            continue
                        out.append(c)
                        if len(out) == limit:
                            break
            b += 1
        return out

    def iter(self, start_s: int, end_s: int, f: CdrFilter = _NO_FILTER) -> Iterator[CDR]:
        """Every matching CDR in order (ground truth for tests)."""
        lo, hi = start_s * 1000, end_s * 1000 + 999
        for b in self._buckets(lo, hi):
            for c in self.bucket(b):
                if lo <= c["startTime"] <= hi and f.matches(c):
                    yield c


def _start(cdr: CDR) -> int:
    return cdr["startTime"]  # type: ignore[no-any-return]


def _order(cdr: CDR) -> tuple[int, str]:
    return cdr["startTime"], cdr["callId"]
