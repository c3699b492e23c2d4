"""What every resource needs from the client: ``call`` and the client's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nxcc_async.nxcc.client import AsyncNXCC


class Resource:
    """A group of endpoints bound to one client."""

    def __init__(self, client: AsyncNXCC) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"
