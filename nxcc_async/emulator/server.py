"""``Emulator``: the NXCC + CEC emulator served on a local port, in this loop or in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import time
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from aiohttp import web

from nxcc_async._core import servers
from nxcc_async._core.log import log as library_log
from nxcc_async._core.portal import Portal
from nxcc_async.emulator.cec import DEFAULT_MAX_SKEW, CECService
from nxcc_async.emulator.config import Faults, Latency, RateLimit
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.emulator.endpoints import Endpoints
from nxcc_async.emulator.live import LiveMode
from nxcc_async.emulator.middleware import CONTROLS, Controls, make_middleware
from nxcc_async.emulator.nxcc_app import NXCCService
from nxcc_async.emulator.push import Pusher, PushStats, WebhookPush
from nxcc_async.emulator.stats import Stats

#: The server's errors (a client gone mid-request): silent unless logging is configured.
log = library_log.getChild("emulator")

DEFAULT_CEC_ACCESS_KEY = "cec-ak"
DEFAULT_CEC_SECRET_KEY = "cec-sk"


class Emulator:
    """A local server of the NXCC OpenAPI and the CEC monitoring API.

    ``async with Emulator(...) as emu`` serves on ``emu.base_url`` until the block ends;
    ``with Emulator.in_thread(...) as emu`` does the same from blocking code, and
    ``emu = Emulator.start_in_thread(...)`` ... ``emu.stop()`` without a block (notebooks).
    The knobs ``latency``, ``rate_limit`` and ``faults`` can be replaced while it runs;
    ``stats`` counts requests; ``data`` is the ground truth (agents, groups, CDRs).
    ``live=LiveMode(...)`` serves CDRs that appear only once their call ended (see
    ``nxcc_async.emulator.live``).

    ``clock_skew``: seconds added to the emulator's clock (also a knob): both vendors check
    timestamps against the skewed clock and every reply's ``Date`` header shows it.
    ``cec_max_skew``: the window of auth-v2 timestamps the CEC side accepts (default 15 min).
    ``cec_live_period``: CEC agents change state every that many seconds (``None``: static CEC
    data).

    ``webhook=WebhookPush(url=..., mode=...)`` (also a knob): the emulator pushes CDRs to that
    URL like the platform's CDR webhook, by itself in live mode (each call once its CDR is
    final) and on demand with :meth:`push_range`; ``pushes`` counts them (see
    ``nxcc_async.emulator.push`` for the retry schedule and the drop/duplicate faults).
    """

    def __init__(
        self,
        *,
        access_key: str = "ak",
        access_secret: str = "sk",
        tenant_id: int = 144,
        seed: int = 7,
        host: str = "127.0.0.1",
        port: int = 0,
        cdrs_per_day: int = 1000,
        n_agents: int = 240,
        n_groups: int = 8,
        latency: Latency = 0.0,
        rate_limit: RateLimit | int | None = None,
        faults: Faults | None = None,
        cec_access_key: str = DEFAULT_CEC_ACCESS_KEY,
        cec_secret_key: str = DEFAULT_CEC_SECRET_KEY,
        cec_live_period: float | None = None,
        cache_records: int = 50_000,
        clock_skew: float = 0.0,
        cec_max_skew: dt.timedelta = DEFAULT_MAX_SKEW,
        live: LiveMode | None = None,
        profile: str | Sequence[int] = "office",
        webhook: WebhookPush | None = None,
    ) -> None:
        self.access_key = access_key
        self.tenant_id = tenant_id
        self.seed = seed
        self.host = host
        self.port = port
        self.cec_access_key = cec_access_key
        self.data = EmulatorData(
            seed=seed,
            tenant_id=tenant_id,
            n_agents=n_agents,
            n_groups=n_groups,
            cdrs_per_day=cdrs_per_day,
            cache_records=cache_records,
            live=live,
            profile=profile,
        )
        self._controls = Controls(latency=latency, faults=faults, seed=seed)
        self.rate_limit = rate_limit
        self.clock_skew = clock_skew
        self.nxcc = NXCCService(
            Endpoints(self.data),
            access_key=access_key,
            access_secret=access_secret,
            clock=self.clock,
        )
        self.cec = CECService(
            access_key=cec_access_key,
            secret_key=cec_secret_key,
            seed=seed,
            max_skew=cec_max_skew,
            clock=lambda: dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc),
            live_period=cec_live_period,
        )
        self.pusher = Pusher(
            self.data,
            access_key=access_key,
            access_secret=access_secret,
            seed=seed,
            clock=self.clock,
            config=webhook,
        )
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: Portal | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._runner else "not started"
        return f"Emulator(access_key={self.access_key!r}, tenant_id={self.tenant_id}, {where})"

    # -- knobs and counters ------------------------------------------------------------------------

    @property
    def latency(self) -> Latency:
        """Seconds added to every request: a number, or a ``(min, max)`` range."""
        return self._controls.latency

    @latency.setter
    def latency(self, value: Latency) -> None:
        self._controls.latency = value

    @property
    def rate_limit(self) -> RateLimit | None:
        """The request-rate cap (an int sets ``RateLimit(per_second=n)``), or ``None``."""
        return self._controls.rate_limit

    @rate_limit.setter
    def rate_limit(self, value: RateLimit | int | None) -> None:
        self._controls.rate_limit = RateLimit(value) if isinstance(value, int) else value

    @property
    def faults(self) -> Faults:
        """The injected faults (``Faults()`` for none)."""
        return self._controls.faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        self._controls.faults = value or Faults()

    def clock(self) -> float:
        """The emulator's clock: Unix seconds, ``clock_skew`` included."""
        return time.time() + self.clock_skew

    @property
    def webhook(self) -> WebhookPush | None:
        """Where CDRs are pushed (``None``: not pushed)."""
        return self.pusher.config

    @webhook.setter
    def webhook(self, value: WebhookPush | None) -> None:
        self.pusher.config = value

    @property
    def pushes(self) -> PushStats:
        """Counters of the CDR pushes."""
        return self.pusher.stats

    def push_range(self, start_s: int, end_s: int) -> int:
        """Push every CDR that started in ``[start_s, end_s)`` (Unix seconds) to the webhook;
        returns how many were handed to the pusher. Callable from any thread; poll
        ``pushes.pending`` to know when they are all answered (or given up)."""
        return self.pusher.push_range(start_s, end_s)

    @property
    def stats(self) -> Stats:
        """Live request counters."""
        return self._controls.stats

    def reset_stats(self) -> None:
        """Zero the counters (requests in flight stay counted)."""
        self._controls.stats.reset()

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._runner is None:
            raise RuntimeError("the emulator is not running")
        return f"http://{self.host}:{self.port}"

    def make_app(self) -> web.Application:
        """A fresh ``aiohttp.web.Application`` serving both vendors through the middleware."""
        app = web.Application(middlewares=[make_middleware(self._controls)])
        app[CONTROLS] = self._controls
        app.on_response_prepare.append(self._date_header)
        self.nxcc.add_routes(app)
        self.cec.add_routes(app)
        return app

    async def _date_header(self, request: web.Request, response: web.StreamResponse) -> None:
        if self.clock_skew:  # aiohttp writes the real time unless Date is set already
            response.headers["Date"] = email.utils.formatdate(self.clock(), usegmt=True)

    async def start(self) -> None:
        """Bind and serve (``port=0`` picks a free port, then ``self.port`` holds it)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        runner = web.AppRunner(
            self.make_app(),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=0.5,
            logger=log,  # aiohttp's own logger would reach stderr unconfigured (a client reset)
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.port = runner.addresses[0][1]
        self._runner = runner
        await self.pusher.start()
        self._loop = asyncio.get_running_loop()
        servers.register(self._loop, self.host, self.port)  # blocking clients check it

    async def aclose(self) -> None:
        """Stop serving and close every connection."""
        runner, self._runner = self._runner, None
        await self.pusher.aclose()
        if self._loop is not None:
            servers.unregister(self._loop, self.host, self.port)
            self._loop = None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @classmethod
    @contextlib.contextmanager
    def in_thread(cls, **kwargs: Any) -> Iterator[Emulator]:
        """Run an emulator on its own event loop in a daemon thread, for blocking code.

        Takes the constructor's arguments. Knobs may be changed from the calling thread.
        """
        emulator = cls.start_in_thread(**kwargs)
        try:
            yield emulator
        finally:
            emulator.stop()

    @classmethod
    def start_in_thread(cls, **kwargs: Any) -> Emulator:
        """Start an emulator on its own event loop in a daemon thread and return it, serving;
        :meth:`stop` ends it. The form for a notebook, where a ``with`` block cannot span
        cells. Takes the constructor's arguments."""
        emulator = cls(**kwargs)
        # the blocking clients' portal: handlers still sleeping (latency, slow faults) are
        # cancelled when it stops, Ctrl-C while starting cancels the start
        portal = Portal(name="nxcc-emulator")
        try:
            portal.call(emulator.start)
        except BaseException:
            portal.close(emulator.aclose)
            raise
        emulator._thread = portal
        return emulator

    def stop(self) -> None:
        """Stop an emulator started by :meth:`start_in_thread` (safe to call twice); one
        started with ``await emu.start()`` is stopped with ``await emu.aclose()``."""
        portal, self._thread = self._thread, None
        if portal is not None:
            portal.close(self.aclose)
        elif self._runner is not None:
            raise RuntimeError(
                "this emulator runs on your event loop, not in a thread: await emu.aclose()"
            )
