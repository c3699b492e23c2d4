"""The one path from a method to the wire, shared by both vendors.

A :class:`Channel` runs :class:`~nxcc_async._core.endpoint.Endpoint` values: ``check`` (the eager
step: the vendor adds what every request carries, e.g. NXCC's tenant id), ``encode`` the fields
once, then per attempt ``prepare`` (sign over those exact bytes with a fresh timestamp) and
``decode`` (envelope -> payload or error), and finally the endpoint's ``parse``; an endpoint's
``quick`` parser, when it has one, is tried first on a successful answer's bytes. A vendor plugs in
a :class:`Wire`; retries, throttling and errors are the requester's.

A reply whose payload does not have the documented shape raises
:class:`~nxcc_async._core.errors.ResponseFormatError` naming the operation, never a bare
``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from nxcc_async._core.endpoint import Endpoint
from nxcc_async._core.errors import ResponseFormatError
from nxcc_async._core.excerpt import excerpt
from nxcc_async._core.requester import Requester
from nxcc_async._core.transport import Request, Response

R = TypeVar("R")

#: What a record loader or parser raises on a value of the wrong shape.
SHAPE_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError)


class Wire(Protocol):
    """A vendor's protocol: the four pure steps around one request."""

    def check(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> dict[str, Any]:
        """The fields to send: ``fields`` plus what every request of ``endpoint`` carries."""
        ...

    def encode(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> bytes:
        """The exact body bytes (serialized once; every attempt signs these)."""
        ...

    def prepare(self, endpoint: Endpoint[Any], body: bytes, clock_offset: float) -> Request:
        """The signed request of one attempt (local clock + ``clock_offset`` seconds)."""
        ...

    def decode(self, endpoint: Endpoint[Any], response: Response) -> Any:
        """The payload of a successful answer, or the error the answer means."""
        ...


class Channel:
    """Runs endpoints of one vendor through one requester (throttle, retries, transport)."""

    def __init__(self, requester: Requester, wire: Wire) -> None:
        self._requester = requester
        self._wire = wire

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at most: how far paged listings may fetch ahead."""
        return self._requester.throttle.max_concurrency

    def check(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> dict[str, Any]:
        """The complete, checked fields of a request (raises before anything is sent)."""
        return self._wire.check(endpoint, fields)

    async def send(self, endpoint: Endpoint[R], fields: Mapping[str, Any]) -> R:
        """Send ``fields`` to ``endpoint``; the parsed result."""
        result: R = await self._run(endpoint, fields, parse=True)
        return result

    async def payload(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> Any:
        """Send ``fields`` to ``endpoint``; the decoded payload, not parsed (the raw door)."""
        return await self._run(endpoint, fields, parse=False)

    async def _run(self, endpoint: Endpoint[Any], fields: Mapping[str, Any], *, parse: bool) -> Any:
        wire = self._wire
        sent = wire.check(endpoint, fields)
        body = wire.encode(endpoint, sent)

        def prepare(clock_offset: float) -> Request:
            return wire.prepare(endpoint, body, clock_offset)

        quick = endpoint.quick if parse else None

        def decode(response: Response) -> Any:
            if quick is not None and 200 <= response.status < 300:
                result = quick(response.body, sent)
                if result is not None:
                    return result
            payload = wire.decode(endpoint, response)
            if not parse:
                return payload
            try:
                return endpoint.parse(payload, sent)
            except SHAPE_ERRORS as exc:
                raise _format_error(endpoint, response, payload, exc) from exc

        return await self._requester.call(
            prepare, decode, idempotent=endpoint.idempotent, endpoint=endpoint.path
        )


def _format_error(
    endpoint: Endpoint[Any], response: Response, payload: Any, exc: Exception
) -> ResponseFormatError:
    req_id = payload.get("reqId") if isinstance(payload, Mapping) else None
    return ResponseFormatError(
        f"the reply does not have the documented shape ({type(exc).__name__}: {str(exc)[:200]})",
        excerpt=excerpt(response.body),
        req_id=str(req_id) if req_id is not None else None,
        status=response.status,
        endpoint=endpoint.path,
    )
