"""What every resource has: the client's channel, and one-line ways to use it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from nxcc_async._core.channel import Channel
from nxcc_async._core.page import Page
from nxcc_async._core.pagination import ItemStream, iter_pages_with_total
from nxcc_async.nxcc.endpoints import NXCCEndpoint

R = TypeVar("R")
T = TypeVar("T")


class Resource:
    """A group of endpoints bound to one client's channel (``owner`` only names it in reprs)."""

    def __init__(self, channel: Channel, owner: object) -> None:
        self._channel = channel
        self._owner = owner

    async def _send(self, endpoint: NXCCEndpoint[R], fields: Mapping[str, Any]) -> R:
        return await self._channel.send(endpoint, fields)

    def _every(
        self, endpoint: NXCCEndpoint[Page[T]], fields: Mapping[str, Any], page_size: int
    ) -> ItemStream[T]:
        """Every item of a listing with a ``total``: page 1, then the rest concurrently.
        Checked now, before anything is sent."""
        first = self._channel.check(endpoint, endpoint.at(fields, 1, page_size))

        async def fetch(number: int) -> Page[T]:
            return await self._channel.send(endpoint, {**first, "page": number})

        return ItemStream(iter_pages_with_total(fetch, prefetch=self._channel.max_concurrency))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._owner!r}>"
