"""The errors of the CDR push receiver."""

from __future__ import annotations

from nxcc_async._core.errors import NXCCError


class WebhookError(NXCCError):
    """A CDR push was refused. ``status`` is the HTTP answer it deserves (401 or 400) and
    ``reason`` a short stable name of the failed check; the message says what failed and never
    holds a secret, a token or a signature."""

    status: int = 400

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), str(self), self.reason))


def _rebuild(cls: type[WebhookError], message: str, reason: str) -> WebhookError:
    return cls(message, reason=reason)


class WebhookAuthError(WebhookError):
    """The push is not authentic or not fresh (HTTP 401): a header is missing, the key, bizType,
    action, algorithm, signature or token is wrong, or ``ts`` is outside the tolerance."""

    status = 401


class WebhookBodyError(WebhookError):
    """The body is not one CDR object (HTTP 400): not JSON, not an object, no ``callId``, or a
    field of the wrong type."""

    status = 400
