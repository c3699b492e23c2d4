"""How a failure becomes one line on stderr and an exit code.

=====  =====================================================================================
code   meaning
=====  =====================================================================================
0      success
1      the API or the network failed (``NXCCError``: API error code, transport, harvest), or
       a file could not be written
2      usage or configuration: bad option or time, missing credentials, a checkpoint of
       another run, an output that exists (``ValueError``, ``TypeError``, ``FileExistsError``)
130    interrupted (Ctrl-C)
143    terminated (SIGTERM) during an export: stopped as Ctrl-C stops it
=====  =====================================================================================
"""

from __future__ import annotations

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    ConnectError,
    HarvestError,
    NXCCError,
    PermissionDeniedError,
    RequestTimeoutError,
    SignatureError,
    TimestampError,
    TransientError,
    TransportError,
)

OK, FAILURE, USAGE, INTERRUPTED, TERMINATED = 0, 1, 2, 130, 143


class UsageError(Exception):
    """A command line that cannot run as given (exit 2); the message says how to fix it."""


class Terminated(Exception):
    """SIGTERM stopped the command (exit 143), after it saved what it could, as Ctrl-C does."""


class NotFoundError(Exception):
    """What the command was asked about does not exist (exit 1); the message says what."""


_HINTS: dict[str, tuple[tuple[type[APIError], str], ...]] = {
    "nxcc": (
        (SignatureError, "check the access secret (NXCC_ACCESS_SECRET)"),
        (TimestampError, "check this machine's clock"),
        (PermissionDeniedError, "check the access key and the tenant id (NXCC_TENANT_ID)"),
    ),
    "cec": (
        (SignatureError, "check the secret key (CEC_SECRET_KEY)"),
        (TimestampError, "check this machine's clock"),
        (PermissionDeniedError, "check the access key (CEC_ACCESS_KEY) and what it may monitor"),
        # CEC answers a wrong key, secret or clock alike: 401 "authorization rejected"
        (AuthError, "check CEC_ACCESS_KEY, CEC_SECRET_KEY and this machine's clock"),
    ),
}
_BASE_URL = {"nxcc": "NXCC_BASE_URL", "cec": "CEC_BASE_URL"}


def _api_hint(exc: APIError, vendor: str) -> str:
    for kind, hint in _HINTS[vendor]:
        if isinstance(exc, kind):
            return f"; {hint}"
    return ""


def classify(exc: BaseException, vendor: str = "nxcc") -> tuple[int, str]:
    """The exit code and the one-line message for ``exc`` from a command talking to ``vendor``
    (``"nxcc"`` or ``"cec"``: whose settings a hint names)."""
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED, "interrupted"
    if isinstance(exc, Terminated):
        return TERMINATED, "terminated"
    cause = exc.__cause__
    if (
        isinstance(exc, HarvestError)
        and isinstance(cause, (APIError, ConnectError))
        and not isinstance(cause, TransientError)
    ):
        # a wrong secret or a refused connection is not "a page kept failing": say what
        # ``agents list`` says about the same cause
        return classify(cause, vendor)
    if isinstance(exc, ImportError):  # a missing optional dependency: the message says which
        return USAGE, str(exc)
    if isinstance(exc, (UsageError, ValueError, TypeError, FileExistsError)):
        return USAGE, str(exc)
    if isinstance(exc, NotFoundError):
        return FAILURE, str(exc)
    if isinstance(exc, APIError):
        return FAILURE, f"API error {exc}{_api_hint(exc, vendor)}"
    if isinstance(exc, ConnectError):
        return FAILURE, f"cannot connect: {exc}; check --base-url / {_BASE_URL[vendor]}"
    if isinstance(exc, RequestTimeoutError):
        return FAILURE, f"timed out: {exc}; try a larger --timeout"
    if isinstance(exc, TransportError):
        return FAILURE, f"network error: {exc}"
    if isinstance(exc, NXCCError):
        return FAILURE, str(exc)
    if isinstance(exc, OSError):
        return FAILURE, str(exc)
    return FAILURE, f"unexpected {type(exc).__name__}: {exc} (rerun with -v for the traceback)"


def one_line(message: str) -> str:
    """``message`` on a single line."""
    return " ".join(message.split())
