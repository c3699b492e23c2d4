"""Verification of a CDR push: pure, over the raw body bytes, with an injectable clock.

Signed mode ("Digest auth" in the console): the push carries the request headers of the OpenAPI
(``accessKey``, ``ts`` in ms, ``bizType: 8``, ``action: callback``, ``sign``, optional
``algorithm``) and ``sign`` covers ``accessKey=..&action=callback&bizType=8&ts=..&body=<raw
body>&accessSecret=..``. Token mode ("API key"): a ``token`` header. Every comparison of a
signature or a token is constant-time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Mapping

import attrs

from nxcc_async._core.secret import Secret
from nxcc_async.nxcc.signing import BIZ_TYPE, sign
from nxcc_async.webhooks.errors import WebhookAuthError

#: The ``action`` header of a push (requests to the API carry ``cc``).
CALLBACK_ACTION = "callback"
SIGNED_HEADERS = ("accessKey", "ts", "bizType", "action", "sign")
TOKEN_HEADER = "token"
DEFAULT_TOLERANCE = 300.0


@attrs.frozen(kw_only=True, repr=False)
class Verifier:
    """Checked receiver settings (see :func:`check_config`); ``verify`` checks one push."""

    access_key: str | None
    secret: Secret | None
    token: Secret | None
    tolerance: float

    @property
    def mode(self) -> str:
        """``"signed"`` or ``"token"``."""
        return "token" if self.token is not None else "signed"

    def __repr__(self) -> str:
        return f"Verifier(access_key={self.access_key!r}, mode={self.mode!r})"

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        """Raise :class:`WebhookAuthError` unless the push is authentic (and fresh)."""
        if not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"body must be the raw request bytes, not {type(body).__name__} "
                "(a decoded or re-serialized body does not match the signature)"
            )
        raw = bytes(body)
        given = _lower(headers)
        if self.token is not None:
            self._verify_token(given)
        else:
            self._verify_signed(given, raw, time.time() if now is None else now)

    def _check_key(self, given: dict[str, str]) -> None:
        key = given.get("accesskey")
        if key is not None and self.access_key is not None and not _equal(key, self.access_key):
            raise WebhookAuthError(
                "the accessKey header is not this receiver's access key", reason="access_key"
            )

    def _verify_token(self, given: dict[str, str]) -> None:
        token = given.get(TOKEN_HEADER)
        if token is None:
            raise WebhookAuthError("missing header: token", reason="missing_header")
        self._check_key(given)
        assert self.token is not None
        if not _equal(token, self.token.reveal()):
            raise WebhookAuthError("the token header does not match", reason="token")

    def _verify_signed(self, given: dict[str, str], body: bytes, now: float) -> None:
        missing = [name for name in SIGNED_HEADERS if not given.get(name.lower())]
        if missing:
            raise WebhookAuthError(
                f"missing header{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                reason="missing_header",
            )
        self._check_key(given)
        if given["biztype"] != BIZ_TYPE:
            raise WebhookAuthError(
                f"bizType must be {BIZ_TYPE}, not {_show(given['biztype'])}", reason="biz_type"
            )
        if given["action"] != CALLBACK_ACTION:
            raise WebhookAuthError(
                f"action must be {CALLBACK_ACTION!r}, not {_show(given['action'])}",
                reason="action",
            )
        algorithm = given.get("algorithm", "md5").strip().lower() or "md5"
        if algorithm not in ("md5", "sha256"):
            raise WebhookAuthError(
                f"algorithm must be md5 or sha256, not {_show(given['algorithm'])}",
                reason="algorithm",
            )
        ts = given["ts"]
        if not (ts.isascii() and ts.isdigit()):
            raise WebhookAuthError(
                f"ts must be Unix milliseconds, not {_show(ts)}", reason="timestamp"
            )
        assert self.secret is not None  # check_config's
        assert self.access_key is not None
        expected = sign(
            access_key=self.access_key,
            access_secret=self.secret.reveal(),
            ts=ts,
            body=body,
            algorithm="sha256" if algorithm == "sha256" else "md5",
            action=CALLBACK_ACTION,
        )
        if not _equal(given["sign"].strip().lower(), expected):
            raise WebhookAuthError(
                f"the {algorithm} signature does not match the body (wrong secret, or the body "
                "was changed on the way)",
                reason="signature",
            )
        skew = now - int(ts) / 1000
        if abs(skew) > self.tolerance:
            when = "old" if skew > 0 else "in the future"
            raise WebhookAuthError(
                f"ts is {abs(skew):.0f} s {when} (tolerance {self.tolerance:g} s): a replay, or "
                "a clock that is off",
                reason="timestamp",
            )


def _equal(given: str, expected: str) -> bool:
    """Constant-time equality of two header values."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


def _show(value: str) -> str:
    """A header value quoted for a message (short: it comes from the caller)."""
    return repr(value[:40] + ("..." if len(value) > 40 else ""))


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names folded to lower case; a name given twice with two values is refused."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        key = str(name).lower()
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if key in out and out[key] != text:
            raise WebhookAuthError(f"header {key!r} given twice", reason="duplicate_header")
        out[key] = text
    return out


def _credential(value: object, name: str) -> Secret | None:
    if value is None:
        return None
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return Secret(value)


def check_config(
    *,
    access_key: str | None,
    access_secret: str | Secret | None,
    token: str | Secret | None,
    tolerance: float,
) -> Verifier:
    """The checked settings of a receiver: ``ValueError``/``TypeError`` saying what to change.

    Exactly one of ``access_secret`` (signed pushes) and ``token`` (token pushes); neither may
    be empty; ``access_key`` is needed for signed pushes (the signature covers it) and optional
    for token pushes (when given, a push's ``accessKey`` header must match it); ``tolerance`` a
    positive number of seconds."""
    if access_key is not None:
        if not isinstance(access_key, str):
            raise TypeError(f"access_key must be a str, not {type(access_key).__name__}")
        if not access_key.strip():
            raise ValueError("access_key must not be empty")
    secret = _credential(access_secret, "access_secret")
    tok = _credential(token, "token")
    if secret is None and tok is None:
        raise ValueError(
            "give access_secret (signed pushes, 'Digest auth' in the console) or token "
            "(pushes with a token header, 'API key')"
        )
    if secret is not None and tok is not None:
        raise ValueError(
            "give access_secret or token, not both: the console sends pushes one way or the other"
        )
    if secret is not None and access_key is None:
        raise ValueError("signed pushes need access_key too: the signature covers it")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(f"tolerance must be a number of seconds, not {type(tolerance).__name__}")
    if math.isnan(tolerance) or tolerance <= 0:
        raise ValueError(f"tolerance must be > 0 seconds, got {tolerance}")
    return Verifier(access_key=access_key, secret=secret, token=tok, tolerance=float(tolerance))


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    *,
    access_key: str | None = None,
    access_secret: str | Secret | None = None,
    token: str | Secret | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    """Check that a CDR push is authentic; raise :class:`WebhookError` (401) saying which check
    failed, return ``None`` when it passes.

    ``headers``: any mapping of header names (any case) to values; ``body``: the raw bytes
    received. Signed mode (``access_secret``): ``accessKey``, ``bizType`` 8, ``action``
    ``callback``, the md5 (or ``algorithm: sha256``) ``sign`` over exactly ``body``, and
    ``|now - ts| <= tolerance`` seconds, with ``access_key``. Token mode (``token``): the
    ``token`` header (and, with ``access_key``, the ``accessKey`` header when one is sent).
    ``now``: Unix seconds (default: the clock).
    Bad settings raise ``ValueError``/``TypeError``."""
    check_config(
        access_key=access_key, access_secret=access_secret, token=token, tolerance=tolerance
    ).verify(headers, body, now=now)
