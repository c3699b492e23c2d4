"""Opening and closing, shared by every client: ``async with`` / ``aclose()`` for the async
clients, ``with`` / ``close()`` for the blocking ones."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from nxcc_async._core.requester import Requester

A = TypeVar("A", bound="AsyncClient")
B = TypeVar("B", bound="BlockingClient")


class AsyncClient:
    """Base of ``AsyncNXCC`` and ``AsyncCEC``: owns a requester, closes its session."""

    _requester: Requester

    async def aclose(self) -> None:
        """Close the HTTP session (if the client opened it). Safe to call twice."""
        await self._requester.transport.aclose()

    async def __aenter__(self: A) -> A:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class BlockingClient:
    """Base of ``NXCC`` and ``CEC``: ``_close`` stops the portal (see ``bind_lifetime``)."""

    _close: Callable[[], object]

    def close(self) -> None:
        """Close the HTTP session and stop the private event loop. Safe to call twice."""
        self._close()

    def __enter__(self: B) -> B:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
