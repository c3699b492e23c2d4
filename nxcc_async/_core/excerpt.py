"""Short, printable, secret-free excerpts of reply bodies, for error messages and logs.

Redaction runs on the whole body before truncation, so a credential cut in half by the limit is
still hidden. What counts as a credential: the value of any key, parameter or header whose name
contains ``secret``, ``token``, ``password``, ``sign`` (``sign``, ``signature``,
``signedHeaders``...) or ``authorization``, in JSON (``"accessSecret": "..."``), form or query
(``sign=...``) or header (``Authorization: ...``) spelling, and the signature of any auth-v2
credential (``auth-v2/ak/ts/headers/<signature>``). Over-redaction is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["excerpt", "redact", "without_credentials"]

REDACTED = "***"
#: Shortest header value looked for in a server's message (a signature is 32 hex digits or more).
MIN_ECHO = 16

_NAME = r"[A-Za-z0-9_.\-]*(?:secret|token|passw(?:or)?d|sign|authorization)[A-Za-z0-9_.\-]*"
# "name": "value" / "name": 123 / 'name': 'value' (JSON and Python reprs)
_QUOTED = re.compile(
    rf"""(?P<key>(?P<q>["']){_NAME}(?P=q)\s*:\s*)(?P<value>"(?:[^"\\]|\\.)*"?|'[^']*'?|[^,}}\]\s]+)""",
    re.IGNORECASE,
)
# name=value (query strings, forms) and name: value (headers, up to the end of the line)
_ASSIGNED = re.compile(rf"(?P<key>\b{_NAME}\s*=\s*)(?P<value>[^&\s,;\"'}}]+)", re.IGNORECASE)
_HEADER = re.compile(rf"(?P<key>\b{_NAME}\s*:[ \t]*)(?P<value>[^\s\"',}}][^\r\n\"'}}]*)", re.I)
_AUTH_V2 = re.compile(r"(auth-v2/[^/\s\"']*/[^/\s\"']*/[^/\s\"']*/)[0-9A-Za-z]+", re.IGNORECASE)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def redact(text: str) -> str:
    """``text`` with the values of credential-looking keys, headers and parameters replaced."""
    text = _AUTH_V2.sub(rf"\1{REDACTED}", text)
    text = _BEARER.sub(rf"\1 {REDACTED}", text)
    text = _QUOTED.sub(lambda m: m.group("key") + _quoted_redacted(m.group("value")), text)
    text = _ASSIGNED.sub(rf"\g<key>{REDACTED}", text)
    return _HEADER.sub(rf"\g<key>{REDACTED}", text)


def without_credentials(text: str, headers: Mapping[str, str]) -> str:
    """``text`` (a server's message) redacted, and without the credentials of the request it
    answers: the values of its ``sign`` and ``Authorization`` headers, and the signature at
    the end of an auth-v2 credential, wherever a server echoed them."""
    for name, value in headers.items():
        lowered = name.lower()
        if "sign" not in lowered and "authorization" not in lowered:
            continue
        for secret in (value, value.rsplit("/", 1)[-1]):
            if len(secret) >= MIN_ECHO and secret in text:
                text = text.replace(secret, REDACTED)
    return redact(text)


def _quoted_redacted(value: str) -> str:
    if value[:1] in "\"'":
        return value[0] + REDACTED + value[0]
    return REDACTED


def excerpt(body: bytes | str, limit: int = 160) -> str:
    """At most ``limit`` characters of ``body``: decoded (invalid UTF-8 replaced), credentials
    redacted, whitespace runs collapsed to one space, other unprintable characters shown as
    ``?``, and ``...`` appended when cut. Empty for an empty body."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    # a bounded prefix only: a multi-megabyte HTML page is not worth scanning whole
    raw = body[: limit * 8 + 1024]
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = _SPACES.sub(" ", redact(text)).strip()
    if not text.isprintable():
        text = "".join(c if c.isprintable() else "?" for c in text)
    cut = len(raw) < len(body)
    if len(text) > limit:
        text, cut = text[: max(0, limit - 3)].rstrip(), True
    return text + "..." if cut else text
