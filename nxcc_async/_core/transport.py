"""The one place that does HTTP: an aiohttp session, owned or borrowed, and one ``send``.

The session is created lazily on the loop that first sends, and closed by ``aclose()``. A session
given by the caller is borrowed: used, never closed. aiohttp's exceptions are mapped onto the
library's transport errors here, so nothing above this module knows aiohttp's exception tree.
"""

from __future__ import annotations

import asyncio
import ssl as ssl_module
from collections.abc import Mapping

import aiohttp
import attrs

from nxcc_async._core.errors import ConnectError, RequestTimeoutError, TransportError
from nxcc_async._core.secret import redact_url


@attrs.frozen
class Request:
    """One attempt, signed and ready: the bytes in ``body`` are exactly what is sent."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes

    def __repr__(self) -> str:  # headers may carry a signature: never show them
        return f"Request({self.method} {self.url}, {len(self.body)} bytes)"


@attrs.frozen
class Response:
    """An HTTP answer: status, headers and the raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def make_ssl(ssl: ssl_module.SSLContext | bool | str | None) -> ssl_module.SSLContext | bool:
    """aiohttp's ``ssl`` argument: verification on by default; a path is a CA bundle."""
    if ssl is None or ssl is True:
        return True
    if isinstance(ssl, str):
        return ssl_module.create_default_context(cafile=ssl)
    return ssl


class Transport:
    """Sends :class:`Request` objects over one aiohttp session."""

    def __init__(
        self,
        *,
        timeout: float,
        session: aiohttp.ClientSession | None = None,
        ssl: ssl_module.SSLContext | bool | str | None = None,
        user_agent: str = "nxcc-async",
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._owns_session = session is None
        self._ssl = make_ssl(ssl)
        self._user_agent = user_agent
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once ``aclose()`` ran."""
        return self._closed

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the client is closed; create a new one")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                headers={"User-Agent": self._user_agent},
                connector=aiohttp.TCPConnector(limit=0, ssl=self._ssl),
            )
        return self._session

    async def send(self, request: Request) -> Response:
        """Send one request; map connection failures and timeouts to transport errors."""
        session = self._get_session()
        try:
            async with session.request(
                request.method,
                request.url,
                data=request.body,
                headers=dict(request.headers),
                timeout=self._timeout,
                ssl=self._ssl,
            ) as resp:
                body = await resp.read()
                return Response(status=resp.status, headers=dict(resp.headers), body=body)
        except aiohttp.ClientConnectorError as exc:
            raise ConnectError(
                f"cannot connect to {_origin(request.url)}: {exc.os_error}"
            ) from None
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            raise RequestTimeoutError(
                f"no answer from {_origin(request.url)} within {self._timeout.total} s"
            ) from None
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{type(exc).__name__} talking to {_origin(request.url)}: {exc}"
            ) from None

    async def aclose(self) -> None:
        """Close the session if this transport opened it; borrowed sessions stay open."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()


def _origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, without its user info (which may hold a password)."""
    scheme, _, rest = redact_url(url).partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].rpartition('@')[2]}"
