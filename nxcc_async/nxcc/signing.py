"""NXCC request signing: a pure function of the exact body bytes, the clock and the credentials.

sign = lowercase_hex(HASH("accessKey=..&action=..&bizType=..&ts=.." + "&body=" + body
                          + "&accessSecret=" + secret))

The body part is left out when the body is empty. See ``shared/spec/nxcc-openapi.md`` §2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Literal

Algorithm = Literal["md5", "sha256"]

ALGORITHMS: tuple[Algorithm, ...] = ("md5", "sha256")
BIZ_TYPE = "8"
ACTION = "cc"


def check_algorithm(algorithm: str) -> Algorithm:
    """Return ``algorithm`` if it is one the API knows, else raise ``ValueError``."""
    if algorithm == "md5":
        return "md5"
    if algorithm == "sha256":
        return "sha256"
    raise ValueError(f"algorithm must be 'md5' or 'sha256', not {algorithm!r}")


def string_to_sign(
    *, access_key: str, ts: str, body: bytes, biz_type: str = BIZ_TYPE, action: str = ACTION
) -> bytes:
    """The signed text without the secret: headers in ASCII order, then ``&body=`` + body."""
    head = f"accessKey={access_key}&action={action}&bizType={biz_type}&ts={ts}".encode()
    return head + b"&body=" + body if body else head


def sign(
    *,
    access_key: str,
    access_secret: str,
    ts: str,
    body: bytes,
    algorithm: Algorithm = "md5",
    biz_type: str = BIZ_TYPE,
    action: str = ACTION,
) -> str:
    """Lowercase hex signature of one request, over the exact body bytes that will be sent."""
    text = string_to_sign(access_key=access_key, ts=ts, body=body, biz_type=biz_type, action=action)
    digest = hashlib.new(check_algorithm(algorithm))
    digest.update(text)
    digest.update(b"&accessSecret=")
    digest.update(access_secret.encode())
    return digest.hexdigest()


def signed_headers(
    *,
    access_key: str,
    access_secret: str,
    ts_ms: int,
    body: bytes,
    algorithm: Algorithm = "md5",
    biz_type: str = BIZ_TYPE,
    action: str = ACTION,
) -> dict[str, str]:
    """Every header of one attempt: common headers, ``sign``, and ``algorithm`` for sha256."""
    ts = str(ts_ms)
    headers = {
        "Content-Type": "application/json",
        "accessKey": access_key,
        "ts": ts,
        "bizType": biz_type,
        "action": action,
        "sign": sign(
            access_key=access_key,
            access_secret=access_secret,
            ts=ts,
            body=body,
            algorithm=algorithm,
            biz_type=biz_type,
            action=action,
        ),
    }
    if algorithm != "md5":
        headers["algorithm"] = algorithm
    return headers


class Signer:
    """:func:`signed_headers` for one access key and algorithm, with the parts that never change
    (the signed text up to ``ts=``, the hash constructor, the constant headers) built once."""

    __slots__ = ("_access_key", "_algorithm", "_hash", "_head")

    def __init__(self, access_key: str, algorithm: Algorithm = "md5") -> None:
        self._access_key = access_key
        self._algorithm = check_algorithm(algorithm)
        self._hash: Callable[[], Any] = getattr(hashlib, self._algorithm)
        self._head = f"accessKey={access_key}&action={ACTION}&bizType={BIZ_TYPE}&ts=".encode()

    def headers(self, access_secret: str, ts_ms: int, body: bytes) -> dict[str, str]:
        """What ``signed_headers(access_key=..., access_secret=access_secret, ts_ms=ts_ms,
        body=body, algorithm=...)`` returns."""
        ts = str(ts_ms)
        digest = self._hash()
        digest.update(self._head + ts.encode())
        if body:
            digest.update(b"&body=")
            digest.update(body)
        digest.update(b"&accessSecret=")
        digest.update(access_secret.encode())
        headers = {
            "Content-Type": "application/json",
            "accessKey": self._access_key,
            "ts": ts,
            "bizType": BIZ_TYPE,
            "action": ACTION,
            "sign": digest.hexdigest(),
        }
        if self._algorithm != "md5":
            headers["algorithm"] = self._algorithm
        return headers
