"""``AsyncNXCC``: the asyncio client of the NXCC OpenAPI. The only implementation; ``NXCC``
mirrors it through a blocking portal."""

from __future__ import annotations

import ssl as ssl_module
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

from nxcc_async._core.endpoint import check_int, check_text
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async._core.pagination import ItemStream
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.secret import Secret, redact_url
from nxcc_async._core.watch import DEFAULT_TRANSIENT, Snapshot, watch
from nxcc_async.client.resources.agents import AgentsAPI
from nxcc_async.client.resources.cdrs import CdrsAPI
from nxcc_async.client.resources.numbers import NumbersAPI
from nxcc_async.client.resources.queues import QueuesAPI
from nxcc_async.client.resources.tasks import TasksAPI
from nxcc_async.nxcc.config import Region, client_settings, resolve_base_url
from nxcc_async.nxcc.endpoints import NXCCEndpoint, envelope_of
from nxcc_async.nxcc.signing import Algorithm, check_algorithm
from nxcc_async.nxcc.wire import NXCCWire

T = TypeVar("T")


class AsyncNXCC(AsyncClient):
    """Client of the NXCC call-center OpenAPI.

    Use it as ``async with AsyncNXCC(...) as client:`` (or call ``aclose()``). Resources:
    ``agents``, ``queues``, ``cdrs``, ``tasks``, ``numbers``. Every call is throttled by
    ``max_concurrency`` (requests in flight) and ``rate_limit`` (requests per second, ``None`` =
    uncapped), retried on transient failures up to ``max_retries`` times, re-signed each attempt.
    TLS is verified; ``ssl`` takes a CA bundle path or an ``ssl.SSLContext`` for private
    certificates. A ``session`` passed in is borrowed and never closed. ``on_attempt`` is called
    with an :class:`~nxcc_async.AttemptEvent` after every HTTP attempt (for metrics).
    """

    agents: AgentsAPI
    queues: QueuesAPI
    cdrs: CdrsAPI
    tasks: TasksAPI
    numbers: NumbersAPI

    def __init__(
        self,
        *,
        access_key: str,
        access_secret: str,
        region: Region | str | None = None,
        base_url: str | None = None,
        tenant_id: int | None = None,
        algorithm: Algorithm = "md5",
        max_concurrency: int = 8,
        rate_limit: float | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry: RetryPolicy | None = None,
        ssl: ssl_module.SSLContext | str | bool | None = None,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        on_attempt: Callable[[AttemptEvent], None] | None = None,
    ) -> None:
        if not isinstance(access_key, str) or not access_key:
            raise ValueError("access_key must be a non-empty str")
        if tenant_id is not None:
            check_int(tenant_id, "tenant_id")
        self._wire = NXCCWire(
            base_url=resolve_base_url(region, base_url),
            access_key=access_key,
            secret=Secret(access_secret),
            tenant_id=tenant_id,
            algorithm=check_algorithm(algorithm),
            clock=clock,
        )
        channel = self._connect(
            self._wire,
            timeout=timeout,
            session=session,
            ssl=ssl,
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            retry=retry,
            max_retries=max_retries,
            on_attempt=on_attempt,
            wallclock=clock,
        )
        self.agents = AgentsAPI(channel, self)
        self.queues = QueuesAPI(channel, self)
        identity = {"base_url": self.base_url, "tenant_id": tenant_id}
        self.cdrs = CdrsAPI(channel, self, identity=identity)
        self.tasks = TasksAPI(channel, self)
        self.numbers = NumbersAPI(channel, self)

    @classmethod
    def from_env(cls, **overrides: Any) -> AsyncNXCC:
        """A client configured from ``NXCC_ACCESS_KEY``, ``NXCC_ACCESS_SECRET``, ``NXCC_REGION``,
        ``NXCC_BASE_URL`` and ``NXCC_TENANT_ID``; keyword arguments override them."""
        return cls(**client_settings(overrides))

    @property
    def base_url(self) -> str:
        """The server's base URL (from ``region`` or ``base_url``)."""
        return self._wire.base_url

    @property
    def access_key(self) -> str:
        """The account's access key (not a secret: it is sent with every request)."""
        return self._wire.access_key

    @property
    def tenant_id(self) -> int | None:
        """The team id sent as ``tenantId`` (``None``: only ``cdr/page`` works)."""
        return self._wire.tenant_id

    @property
    def algorithm(self) -> Algorithm:
        """``md5`` or ``sha256`` signatures."""
        return self._wire.algorithm

    async def call(
        self, endpoint: str, body: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        """Send ``body`` to ``endpoint`` (a path under ``/saas/cc/openapi/``) and return the
        decoded envelope. The low-level door for endpoints this library does not wrap yet."""
        operation = NXCCEndpoint(
            path=check_text(endpoint, "endpoint"),
            parse=envelope_of,
            idempotent=idempotent,
            tenant=False,
        )
        return await self._channel.send(operation, body)

    def watch(
        self,
        fetch: Callable[[], Awaitable[T]],
        every: float = 5.0,
        *,
        timeout: float | None = None,
        transient: tuple[type[BaseException], ...] = DEFAULT_TRANSIENT,
        limit: int | None = None,
    ) -> ItemStream[Snapshot[T]]:
        """Poll ``fetch()`` (e.g. the members of a queue, or the state durations of a team)
        every ``every`` seconds: timestamped snapshots, polls never overlapping, missed ticks
        skipped, transient failures as gap snapshots, within this client's rate cap. The same
        helper as ``AsyncCEC.watch``; see ``docs/usage.md``."""
        return watch(fetch, every, timeout=timeout, transient=transient, limit=limit)

    def __repr__(self) -> str:
        return (
            f"AsyncNXCC(base_url={redact_url(self.base_url)!r}, access_key={self.access_key!r}, "
            f"tenant_id={self.tenant_id!r}, algorithm={self.algorithm!r})"
        )
