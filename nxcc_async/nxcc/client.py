"""``AsyncNXCC``: the asyncio client of the NXCC OpenAPI. The only implementation; ``NXCC``
mirrors it through a blocking portal."""

from __future__ import annotations

import ssl as ssl_module
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

from nxcc_async._core.lifecycle import AsyncClient
from nxcc_async._core.requester import Requester
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.secret import Secret
from nxcc_async._core.throttle import Throttle
from nxcc_async._core.transport import Request, Transport
from nxcc_async.nxcc import envelope
from nxcc_async.nxcc.config import Region, client_settings, resolve_base_url
from nxcc_async.nxcc.endpoints import PREFIX
from nxcc_async.nxcc.resources.agents import AgentsAPI
from nxcc_async.nxcc.resources.cdrs import CdrsAPI
from nxcc_async.nxcc.resources.numbers import NumbersAPI
from nxcc_async.nxcc.resources.queues import QueuesAPI
from nxcc_async.nxcc.resources.tasks import TasksAPI
from nxcc_async.nxcc.signing import Algorithm, check_algorithm, signed_headers


class AsyncNXCC(AsyncClient):
    """Client of the NXCC call-center OpenAPI.

    Use it as ``async with AsyncNXCC(...) as client:`` (or call ``aclose()``). Resources:
    ``agents``, ``queues``, ``cdrs``, ``tasks``, ``numbers``. Every call is throttled by
    ``max_concurrency`` (requests in flight) and ``rate_limit`` (requests per second, ``None`` =
    uncapped), retried on transient failures up to ``max_retries`` times, re-signed each attempt.
    TLS is verified; ``ssl`` takes a CA bundle path or an ``ssl.SSLContext`` for private
    certificates. A ``session`` passed in is borrowed and never closed.
    """

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
        if tenant_id is not None and (
            isinstance(tenant_id, bool) or not isinstance(tenant_id, int)
        ):
            raise TypeError(f"tenant_id must be an int, not {type(tenant_id).__name__}")
        self.base_url = resolve_base_url(region, base_url)
        self.access_key = access_key
        self._secret = Secret(access_secret)
        self.tenant_id = tenant_id
        self.algorithm: Algorithm = check_algorithm(algorithm)
        self._clock = clock
        policy = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self.throttle = Throttle(max_concurrency, rate_limit)
        self._requester = Requester(
            Transport(timeout=timeout, session=session, ssl=ssl), self.throttle, policy
        )
        self.agents = AgentsAPI(self)
        self.queues = QueuesAPI(self)
        self.cdrs = CdrsAPI(self)
        self.tasks = TasksAPI(self)
        self.numbers = NumbersAPI(self)

    @classmethod
    def from_env(cls, **overrides: Any) -> AsyncNXCC:
        """A client configured from ``NXCC_ACCESS_KEY``, ``NXCC_ACCESS_SECRET``, ``NXCC_REGION``,
        ``NXCC_BASE_URL`` and ``NXCC_TENANT_ID``; keyword arguments override them."""
        return cls(**client_settings(overrides))

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at most."""
        return self.throttle.max_concurrency

    async def call(
        self, endpoint: str, body: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        """Send ``body`` to ``endpoint`` (a path under ``/saas/cc/openapi/``) and return the
        decoded envelope. The low-level door for endpoints this library does not wrap yet."""
        raw = orjson.dumps(body)
        url = self.base_url + PREFIX + endpoint

        def prepare(clock_offset: float) -> Request:
            headers = signed_headers(
                access_key=self.access_key,
                access_secret=self._secret.reveal(),
                ts_ms=int((self._clock() + clock_offset) * 1000),
                body=raw,
                algorithm=self.algorithm,
            )
            return Request("POST", url, headers, raw)

        return await self._requester.call(
            prepare,
            lambda response: envelope.decode(response, endpoint),
            idempotent=idempotent,
            endpoint=endpoint,
        )

    def __repr__(self) -> str:
        return (
            f"AsyncNXCC(base_url={self.base_url!r}, access_key={self.access_key!r}, "
            f"tenant_id={self.tenant_id!r}, algorithm={self.algorithm!r})"
        )
