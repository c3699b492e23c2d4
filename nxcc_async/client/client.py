"""``AsyncNXCC``: the asyncio client of the NXCC OpenAPI. The only implementation; ``NXCC``
mirrors it through a blocking portal."""

from __future__ import annotations

import ssl as ssl_module
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

from nxcc_async._core.channel import Channel
from nxcc_async._core.endpoint import check_int, check_text
from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async._core.pagination import ItemStream
from nxcc_async._core.requester import Requester
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.secret import Secret
from nxcc_async._core.throttle import Throttle
from nxcc_async._core.transport import Transport
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
    certificates. A ``session`` passed in is borrowed and never closed.
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
        policy = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self.throttle = Throttle(max_concurrency, rate_limit)
        self._requester = Requester(
            Transport(timeout=timeout, session=session, ssl=ssl), self.throttle, policy
        )
        self._channel = Channel(self._requester, self._wire)
        self.agents = AgentsAPI(self._channel, self)
        self.queues = QueuesAPI(self._channel, self)
        identity = {"base_url": self.base_url, "tenant_id": tenant_id}
        self.cdrs = CdrsAPI(self._channel, self, identity=identity)
        self.tasks = TasksAPI(self._channel, self)
        self.numbers = NumbersAPI(self._channel, self)

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

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at most."""
        return self.throttle.max_concurrency

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
            f"AsyncNXCC(base_url={self.base_url!r}, access_key={self.access_key!r}, "
            f"tenant_id={self.tenant_id!r}, algorithm={self.algorithm!r})"
        )
