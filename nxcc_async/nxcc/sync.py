"""``NXCC``: the blocking mirror of ``AsyncNXCC`` for scripts, notebooks and sync services."""

from __future__ import annotations

import ssl as ssl_module
import time
from collections.abc import Callable
from typing import Any

from nxcc_async._core.lifecycle import BlockingClient
from nxcc_async._core.portal import Portal, bind_lifetime
from nxcc_async._core.retry import RetryPolicy
from nxcc_async.client.client import AsyncNXCC
from nxcc_async.nxcc.config import Region, client_settings
from nxcc_async.nxcc.signing import Algorithm
from nxcc_async.nxcc.sync_resources import Agents, Cdrs, Numbers, Queues, Tasks


class NXCC(BlockingClient):
    """Blocking client of the NXCC OpenAPI: the same names as :class:`AsyncNXCC`, no ``await``.

    All the work runs on one private event loop in a daemon thread (an anyio blocking portal),
    so it also works where an event loop already runs (Jupyter). Use ``with NXCC(...) as client``
    or call ``close()``; a client never closed is closed at garbage collection or exit.
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
        clock: Callable[[], float] = time.time,
    ) -> None:
        client = AsyncNXCC(
            access_key=access_key,
            access_secret=access_secret,
            region=region,
            base_url=base_url,
            tenant_id=tenant_id,
            algorithm=algorithm,
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            ssl=ssl,
            clock=clock,
        )
        self._portal = Portal()
        self._close = bind_lifetime(self, self._portal, client.aclose)
        self.async_client = client
        self.agents = Agents(self._portal, client.agents)
        self.queues = Queues(self._portal, client.queues)
        self.cdrs = Cdrs(self._portal, client.cdrs)
        self.tasks = Tasks(self._portal, client.tasks)
        self.numbers = Numbers(self._portal, client.numbers)

    @classmethod
    def from_env(cls, **overrides: Any) -> NXCC:
        """A client configured from the ``NXCC_*`` environment variables (see ``AsyncNXCC``)."""
        return cls(**client_settings(overrides))

    def call(
        self, endpoint: str, body: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        """Send ``body`` to ``endpoint``; the decoded envelope (see ``AsyncNXCC.call``)."""
        return self._portal.call(self.async_client.call, endpoint, body, idempotent=idempotent)

    def __repr__(self) -> str:
        return f"NXCC({self.async_client!r})"
