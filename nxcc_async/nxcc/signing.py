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
    return Signer(access_key, biz_type=biz_type, action=action).text(ts, body)


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
    signer = Signer(access_key, algorithm, biz_type=biz_type, action=action)
    return signer.sign(access_secret, ts, body)


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
    signer = Signer(access_key, algorithm, biz_type=biz_type, action=action)
    return signer.headers(access_secret, ts_ms, body)


class Signer:
    """Signing for one access key, algorithm, ``bizType`` and ``action``, with the parts that
    never change (the signed text up to ``ts=``, the hash constructor) built once: a client
    keeps one and signs every attempt with it."""

    __slots__ = ("_access_key", "_action", "_algorithm", "_biz_type", "_hash", "_head")

    def __init__(
        self,
        access_key: str,
        algorithm: Algorithm = "md5",
        *,
        biz_type: str = BIZ_TYPE,
        action: str = ACTION,
    ) -> None:
        self._access_key = access_key
        self._algorithm = check_algorithm(algorithm)
        self._biz_type = biz_type
        self._action = action
        self._hash: Callable[[], Any] = getattr(hashlib, self._algorithm)
        self._head = f"accessKey={access_key}&action={action}&bizType={biz_type}&ts=".encode()

    def text(self, ts: str, body: bytes) -> bytes:
        """The signed text without the secret (see :func:`string_to_sign`)."""
        head = self._head + ts.encode()
        return head + b"&body=" + body if body else head

    def sign(self, access_secret: str, ts: str, body: bytes) -> str:
        """Lowercase hex signature (see :func:`sign`)."""
        digest = self._hash()
        digest.update(self._head + ts.encode())
        if body:
            digest.update(b"&body=")
            digest.update(body)
        digest.update(b"&accessSecret=")
        digest.update(access_secret.encode())
        return str(digest.hexdigest())

    def headers(self, access_secret: str, ts_ms: int, body: bytes) -> dict[str, str]:
        """Every header of one attempt (see :func:`signed_headers`)."""
        ts = str(ts_ms)
        headers = {
            "Content-Type": "application/json",
            "accessKey": self._access_key,
            "ts": ts,
            "bizType": self._biz_type,
            "action": self._action,
            "sign": self.sign(access_secret, ts, body),
        }
        if self._algorithm != "md5":
            headers["algorithm"] = self._algorithm
        return headers
