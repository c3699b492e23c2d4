"""The error tree shared by the NXCC and CEC clients.

``NXCCError`` is the root. Transport failures (``TransportError``: connection, timeout) are apart
from answers of the API (``APIError``: a result code other than success, or an HTTP error status).
No message ever holds a secret, a signature or an Authorization header: errors are built only
from result codes, server messages and request ids.
"""

from __future__ import annotations


class NXCCError(Exception):
    """Root of every error this library raises on purpose."""


class TransportError(NXCCError):
    """The request did not get an HTTP answer (connection refused or reset, DNS, TLS)."""

    #: True when the request may have reached the server (bytes were sent before the failure).
    may_have_reached_server: bool = True


class ConnectError(TransportError):
    """The connection could not be opened: the request certainly did not reach the server."""

    may_have_reached_server = False


class RequestTimeoutError(TransportError):
    """No complete answer within the client's timeout."""


class APIError(NXCCError):
    """The server answered with a failure: a non-success result code or an HTTP error status.

    ``code`` is the vendor's result code (an ``int`` for NXCC, a string such as ``"0100002"``
    for CEC) or the HTTP status when the body carried none; ``msg`` is the server's message;
    ``req_id`` the server's request id when it sent one; ``status`` the HTTP status.
    """

    def __init__(
        self,
        code: int | str,
        msg: str = "",
        *,
        req_id: str | None = None,
        status: int = 200,
        endpoint: str = "",
    ) -> None:
        self.code = code
        self.msg = msg
        self.req_id = req_id
        self.status = status
        self.endpoint = endpoint
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" on {self.endpoint}" if self.endpoint else ""
        req = f" (reqId {self.req_id})" if self.req_id else ""
        return f"code {self.code}{where}: {self.msg or 'no message'}{req}"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (type(self), self.code, self.msg, self.req_id, self.status, self.endpoint),
        )


def _rebuild(
    cls: type[APIError], code: int | str, msg: str, req_id: str | None, status: int, endpoint: str
) -> APIError:
    return cls(code, msg, req_id=req_id, status=status, endpoint=endpoint)


class AuthError(APIError):
    """Authentication failed: missing header, bad signature, stale clock, unknown key, HTTP 401."""


class MissingHeaderError(AuthError):
    """NXCC 1001: a common header is missing."""


class SignatureError(AuthError):
    """NXCC 1003: the signature does not match (wrong secret, or signed text differs from sent)."""


class TimestampError(AuthError):
    """NXCC 1004: ``ts`` is more than 60 s off the server's clock (check the local clock)."""


class CECTimestampError(TimestampError):
    """CEC HTTP 401 whose body names the auth-v2 timestamp as the reason (outside the server's
    window). A 401 that gives another reason, or none, stays a plain :class:`AuthError`."""


class PermissionDeniedError(AuthError):
    """NXCC 1005 / CEC 0101003: unknown access key or the account lacks the product."""


class ValidationError(APIError):
    """The server refused the parameters: NXCC 1002 and 41000, CEC 0100002."""


class BadRequestError(ValidationError, AuthError):
    """NXCC 1002: a wrong ``bizType``/``action`` header or a body the server cannot read. The
    code sits in the authentication band (1001-1005) and means a bad parameter, so it is both a
    :class:`ValidationError` and an :class:`AuthError`."""


class NotFoundError(APIError):
    """HTTP 404: the path does not exist on this server (wrong base URL or API edition)."""


class TransientError(APIError):
    """A failure worth retrying: the server says so, or it is overloaded."""


class ServerError(TransientError):
    """NXCC 88 / 99, CEC 0100001 / 0100999, or an HTTP 5xx status."""


class RateLimitError(TransientError):
    """HTTP 429. ``retry_after`` is the server's Retry-After in seconds, when it gave one."""

    def __init__(
        self,
        code: int | str = 429,
        msg: str = "too many requests",
        *,
        retry_after: float | None = None,
        req_id: str | None = None,
        status: int = 429,
        endpoint: str = "",
    ) -> None:
        self.retry_after = retry_after
        super().__init__(code, msg, req_id=req_id, status=status, endpoint=endpoint)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_rate, (self.msg, self.retry_after, self.req_id, self.endpoint))


def _rebuild_rate(
    msg: str, retry_after: float | None, req_id: str | None, endpoint: str
) -> RateLimitError:
    return RateLimitError(msg=msg, retry_after=retry_after, req_id=req_id, endpoint=endpoint)


class ResponseFormatError(APIError):
    """The reply does not have the documented shape: a result code that is not an integer, a
    field of the wrong type, an impossible timestamp, a list where an object belongs.
    ``excerpt`` is a short, secret-free piece of the reply. Not retried: the same request gets
    the same reply (except :class:`MalformedReplyError`, which is no envelope at all)."""

    def __init__(
        self,
        detail: str,
        *,
        excerpt: str = "",
        req_id: str | None = None,
        status: int = 200,
        endpoint: str = "",
    ) -> None:
        self.excerpt = excerpt
        super().__init__("malformed", detail, req_id=req_id, status=status, endpoint=endpoint)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_format,
            (type(self), self.msg, self.excerpt, self.req_id, self.status, self.endpoint),
        )


def _rebuild_format(
    cls: type[ResponseFormatError],
    detail: str,
    excerpt: str,
    req_id: str | None,
    status: int,
    endpoint: str,
) -> ResponseFormatError:
    return cls(detail, excerpt=excerpt, req_id=req_id, status=status, endpoint=endpoint)


class MalformedReplyError(ResponseFormatError, ServerError):
    """The body is no envelope at all: not JSON, not a JSON object, or an object without the
    vendor's result code (typically an HTML page of a gateway or proxy, even with HTTP 200).

    Both a :class:`ResponseFormatError` (it carries ``excerpt``) and a :class:`ServerError`:
    transient, so idempotent calls retry it (the next attempt may reach a healthy server).
    An envelope whose fields have the wrong type is a plain ``ResponseFormatError``, not retried.
    """


class HarvestError(NXCCError):
    """A harvest stopped: one page kept failing. Says which window and page; see ``__cause__``."""
