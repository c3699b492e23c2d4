"""CEC "auth-v2" (AK/SK) request signing: pure functions of the request, the clock and the keys.

``Authorization: auth-v2/{AK}/{timestamp}/{signedHeaders}/{signature}`` where::

    prefix        = "auth-v2/" + AK + "/" + timestamp + "/" + signedHeaders
    signing_key   = hex(HMAC-SHA256(SK, prefix))              # the hex *string* is the next key
    canonical     = METHOD \\n path [\\n query] \\n signedHeaders \\n headers [\\n enc(body)]
    signature     = hex(HMAC-SHA256(signing_key, canonical))

See ``shared/spec/huawei-cec.md`` §2. Nothing here logs or keeps a secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping

SCHEME = "auth-v2"
DEFAULT_SIGNED_HEADERS: tuple[str, ...] = ("host",)
#: Headers the client knows how to sign (it sends exactly these values).
SIGNABLE_HEADERS = frozenset({"host", "content-type", "content-length"})

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

Query = Mapping[str, str] | Iterable[tuple[str, str]]


def encode(value: str | bytes) -> str:
    """Percent-encode the UTF-8 bytes of ``value``: keep ``A-Z a-z 0-9 - . _ ~``, else ``%XX``."""
    data = value.encode() if isinstance(value, str) else value
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in data)


def timestamp(now: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; a naive ``now`` is refused."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_signed_headers(names: Iterable[str]) -> tuple[str, ...]:
    """Lower-cased, de-duplicated, sorted header names; ``ValueError`` when empty."""
    result = tuple(sorted({name.strip().lower() for name in names}))
    if not result or "" in result:
        raise ValueError("signed headers must be a non-empty set of header names")
    return result


def canonical_query(query: Query | None) -> str:
    """``enc(k)=enc(v)`` pairs sorted as strings and joined by ``&`` (``""`` for no query)."""
    if not query:
        return ""
    pairs = query.items() if isinstance(query, Mapping) else query
    return "&".join(sorted(f"{encode(k)}={encode(v)}" for k, v in pairs))


def canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> str:
    """``enc(name):enc(value)`` for each signed header, sorted, joined by newlines."""
    lowered = {k.lower(): v for k, v in headers.items()}
    lines = []
    for name in names:
        if name not in lowered:
            raise ValueError(f"signed header {name!r} has no value")
        lines.append(f"{encode(name)}:{encode(lowered[name])}")
    return "\n".join(sorted(lines))


def canonical_request(
    *,
    method: str,
    path: str,
    query: Query | None,
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    body: bytes,
) -> str:
    """The text that is signed: method, path, query (only when present), headers, body."""
    names = normalize_signed_headers(signed_headers)
    lines = [method.upper(), path]
    query_line = canonical_query(query)
    if query_line:
        lines.append(query_line)
    lines.append(";".join(names))
    lines.append(canonical_headers(headers, names))
    if body:
        lines.append(encode(body))
    return "\n".join(lines)


def prefix(*, access_key: str, timestamp: str, signed_headers: Iterable[str]) -> str:
    """``auth-v2/{AK}/{timestamp}/{signedHeaders}``."""
    names = ";".join(normalize_signed_headers(signed_headers))
    return f"{SCHEME}/{access_key}/{timestamp}/{names}"


def _hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signing_key(*, secret_key: str, prefix: str) -> str:
    """``hex(HMAC-SHA256(SK, prefix))``: a lowercase hex string, used as text by the next HMAC."""
    return _hmac_hex(secret_key, prefix)


def authorization(
    *,
    access_key: str,
    secret_key: str,
    now: dt.datetime,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    query: Query | None = None,
    signed_headers: Iterable[str] = DEFAULT_SIGNED_HEADERS,
) -> str:
    """The ``Authorization`` header value of one request, over the exact body bytes sent."""
    names = normalize_signed_headers(signed_headers)
    head = prefix(access_key=access_key, timestamp=timestamp(now), signed_headers=names)
    text = canonical_request(
        method=method, path=path, query=query, headers=headers, signed_headers=names, body=body
    )
    return f"{head}/{_hmac_hex(signing_key(secret_key=secret_key, prefix=head), text)}"
