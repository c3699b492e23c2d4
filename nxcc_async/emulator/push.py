"""The emulator as the platform that pushes CDRs to a customer's URL (the NXCC CDR webhook).

Given a :class:`WebhookPush` (URL and mode: signed md5, signed sha256, or token), the emulator
POSTs one CDR object per call as JSON:

- in live mode, each call's CDR once it is final (``LiveCall.final_at``), by itself;
- on demand, every CDR of a historical range (:meth:`Pusher.push_range`).

Signed pushes carry the OpenAPI headers with ``action: callback`` (``accessKey``, ``ts`` in ms of
the emulator's clock, ``bizType: 8``, ``sign`` over the exact body, ``algorithm: sha256`` in that
mode), signed with the emulator's access key and secret; token pushes carry ``token: <token>``.

**Retry schedule — our assumption.** The vendor documents no retries for NXCC pushes; other
NXCLOUD webhooks retry every minute for up to 60 minutes. So a push answered with anything but
HTTP 200 (or not answered: refused connection, timeout) is sent again every
:attr:`WebhookPush.retry_every` seconds (default 60) while less than
:attr:`WebhookPush.retry_for` seconds (default 3600) have passed since the first attempt, each
attempt with a fresh ``ts`` and signature; then it is given up. The schedule is fixed from the
first attempt (attempt *k* at *k* × ``retry_every``), so slow answers do not stretch it. Tests
scale both down.

**Faults**, drawn per call from ``(seed, callId)`` (so a test can know each call's fate with
:meth:`Pusher.fate`): a share :attr:`WebhookPush.drop` of the CDRs is never pushed, a share
:attr:`WebhookPush.duplicate` is pushed twice (the second copy after the first was answered).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Literal

import aiohttp
import attrs
import orjson

from nxcc_async.emulator.cdrs import CDR
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.emulator.live import LiveCdrStore
from nxcc_async.nxcc.signing import signed_headers

PushMode = Literal["md5", "sha256", "token"]
PUSH_MODES: tuple[PushMode, ...] = ("md5", "sha256", "token")
Fate = Literal["once", "drop", "duplicate"]


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a share in [0, 1], not {value!r}")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be > 0, not {value!r}")


@attrs.frozen(kw_only=True)
class WebhookPush:
    """Where and how the emulator pushes CDRs; see the module doc (retries, faults)."""

    url: str
    mode: PushMode = attrs.field(default="md5", validator=attrs.validators.in_(PUSH_MODES))
    #: the ``token`` header of token mode
    token: str = attrs.field(default="emulator-webhook-token", repr=False)
    retry_every: float = attrs.field(default=60.0, validator=_positive)
    retry_for: float = attrs.field(default=3600.0, validator=attrs.validators.ge(0.0))
    drop: float = attrs.field(default=0.0, validator=_share)
    duplicate: float = attrs.field(default=0.0, validator=_share)
    concurrency: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    timeout: float = attrs.field(default=10.0, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must be http:// or https://, not {self.url!r}")
        if self.drop + self.duplicate > 1.0 + 1e-9:
            raise ValueError("drop + duplicate add up to more than 1")
        if self.mode == "token" and not self.token:
            raise ValueError("token mode needs a token")


class PushStats:
    """Counters of the pushes; written by the emulator's loop, read from anywhere.

    ``queued``: CDRs handed to the pusher; ``dropped``/``duplicated``: their faults;
    ``attempts``: POSTs sent (retries and copies included); ``delivered``: copies answered 200;
    ``given_up``: copies still failing after ``retry_for``; ``by_status``: answers by HTTP
    status (0: no answer); ``pending``: CDRs not settled yet (copies in flight or waiting to be
    retried)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.queued = self.dropped = self.duplicated = 0
        self.attempts = self.delivered = self.given_up = self.settled = 0
        self.by_status: Counter[int] = Counter()
        self.delivered_ids: Counter[str] = Counter()
        self.dropped_ids: set[str] = set()

    @property
    def pending(self) -> int:
        """CDRs queued and not settled (delivered, given up or dropped)."""
        with self._lock:
            return self.queued - self.settled

    def __repr__(self) -> str:
        return (
            f"PushStats(queued={self.queued}, dropped={self.dropped}, "
            f"duplicated={self.duplicated}, attempts={self.attempts}, "
            f"delivered={self.delivered}, given_up={self.given_up}, pending={self.pending}, "
            f"by_status={dict(self.by_status)})"
        )


class Pusher:
    """Pushes CDRs of one emulator to :attr:`config` (``None``: pushing is off).

    Runs on the emulator's loop (started and closed with it); :meth:`push_range` may be called
    from any thread."""

    def __init__(
        self,
        data: EmulatorData,
        *,
        access_key: str,
        access_secret: str,
        seed: int,
        clock: Callable[[], float],
        config: WebhookPush | None = None,
    ) -> None:
        self._data = data
        self._access_key = access_key
        self._access_secret = access_secret
        self._seed = seed
        self._clock = clock
        self.config = config
        self.stats = PushStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._seen: set[str] = set()
        self._watch_from = 0.0

    def __repr__(self) -> str:
        return f"<Pusher {self.config!r} {self.stats!r}>"

    # -- lifecycle (on the emulator's loop) ------------------------------------------------------

    async def start(self) -> None:
        """Start pushing (the live watcher, when the data is live)."""
        self._loop = asyncio.get_running_loop()
        self._session = aiohttp.ClientSession()
        self._slots = asyncio.Semaphore(self.config.concurrency if self.config else 8)
        cdrs = self._data.cdrs
        if isinstance(cdrs, LiveCdrStore):
            self._watch_from = cdrs.clock()
            self._spawn(self._watch(cdrs))

    async def aclose(self) -> None:
        """Stop: pushes in flight or waiting for a retry are abandoned."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- what to push ------------------------------------------------------------------------------

    def fate(self, call_id: str) -> Fate:
        """What the fault knobs do to the push of ``call_id`` (a pure function of the seed)."""
        config = self.config
        if config is None:
            return "once"
        u = random.Random(f"push:{self._seed}:{call_id}").random()
        if u < config.drop:
            return "drop"
        if u < config.drop + config.duplicate:
            return "duplicate"
        return "once"

    def push_range(self, start_s: int, end_s: int) -> int:
        """Push every CDR the server shows now that started in ``[start_s, end_s)`` (Unix s);
        the number handed to the pusher (dropped ones included). Callable from any thread."""
        if self.config is None:
            raise RuntimeError("no webhook configured: set emu.webhook = WebhookPush(url=...)")
        if end_s <= start_s:
            return 0
        cdrs = self._data.cdr_list(start_s, end_s - 1)
        self._submit(cdrs)
        return len(cdrs)

    def _submit(self, cdrs: Iterable[CDR]) -> None:
        items = list(cdrs)
        loop = self._loop
        if loop is None:
            raise RuntimeError("the emulator is not running")
        with self.stats._lock:
            self.stats.queued += len(items)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._enqueue(items)
        else:
            loop.call_soon_threadsafe(self._enqueue, items)

    def _enqueue(self, cdrs: list[CDR]) -> None:
        for cdr in cdrs:
            call_id = str(cdr["callId"])
            self._seen.add(call_id)
            self._spawn(self._deliver(cdr, self.fate(call_id)))

    async def _watch(self, store: LiveCdrStore) -> None:
        """Live mode: push each call's CDR once it is final."""
        mode = store.mode
        horizon = mode.duration[1] + mode.delay[1] + mode.revise_after[1] + 60.0
        last = self._watch_from
        while True:
            await asyncio.sleep(0.2)
            now = store.clock()
            if self.config is not None:
                due = [
                    call.cdr
                    for call in store.calls(int(now - horizon), int(now) + 2)
                    if last < call.final_at <= now and call.call_id not in self._seen
                ]
                if due:
                    with self.stats._lock:
                        self.stats.queued += len(due)
                    self._enqueue(due)
            last = now

    # -- delivery ----------------------------------------------------------------------------------

    async def _deliver(self, cdr: CDR, fate: Fate) -> None:
        stats = self.stats
        call_id = str(cdr["callId"])
        try:
            if fate == "drop":
                with stats._lock:
                    stats.dropped += 1
                    stats.dropped_ids.add(call_id)
                return
            body = orjson.dumps(cdr)
            copies = 2 if fate == "duplicate" else 1
            if copies == 2:
                with stats._lock:
                    stats.duplicated += 1
            for _ in range(copies):
                await self._deliver_copy(call_id, body)
        finally:
            with stats._lock:
                stats.settled += 1

    async def _deliver_copy(self, call_id: str, body: bytes) -> None:
        stats = self.stats
        first = time.monotonic()
        retries = 0
        while True:
            config = self.config
            if config is None:  # pushing switched off meanwhile
                return
            status = await self._post(config, body)
            with stats._lock:
                stats.attempts += 1
                stats.by_status[status] += 1
                if status == 200:
                    stats.delivered += 1
                    stats.delivered_ids[call_id] += 1
            if status == 200:
                return
            retries += 1  # on a fixed schedule from the first attempt: slow answers do not drift it
            if retries * config.retry_every > config.retry_for:
                with stats._lock:
                    stats.given_up += 1
                return
            await asyncio.sleep(max(0.0, first + retries * config.retry_every - time.monotonic()))

    async def _post(self, config: WebhookPush, body: bytes) -> int:
        session, slots = self._session, self._slots
        assert session is not None
        assert slots is not None
        if config.mode == "token":
            headers = {"Content-Type": "application/json", "token": config.token}
        else:
            headers = signed_headers(
                access_key=self._access_key,
                access_secret=self._access_secret,
                ts_ms=int(self._clock() * 1000),
                body=body,
                algorithm=config.mode,
                action="callback",
            )
        async with slots:
            try:
                async with session.post(
                    config.url,
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=config.timeout),
                ) as response:
                    await response.read()
                    return response.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                return 0
