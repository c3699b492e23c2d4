"""The NXCC side of a :class:`~nxcc_async._core.channel.Channel`: tenant id, JSON body,
signed headers, envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import orjson

from nxcc_async._core.endpoint import Endpoint
from nxcc_async._core.secret import Secret
from nxcc_async._core.transport import Request, Response
from nxcc_async.nxcc import envelope
from nxcc_async.nxcc.endpoints import NXCCEndpoint, tenant
from nxcc_async.nxcc.signing import Algorithm, Signer


class NXCCWire:
    """Signs with ``access_key``/``secret`` (md5 or sha256) at ``clock()`` + the offset."""

    def __init__(
        self,
        *,
        base_url: str,
        access_key: str,
        secret: Secret,
        tenant_id: int | None,
        algorithm: Algorithm,
        clock: Callable[[], float],
    ) -> None:
        self.base_url = base_url
        self.access_key = access_key
        self._secret = secret
        self.tenant_id = tenant_id
        self.algorithm = algorithm
        self._clock = clock
        self._signer = Signer(access_key, algorithm)
        self._last = (0.0, 0)  # the clock offset and the ts of the latest request

    def check(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> dict[str, Any]:
        """``fields``, led by ``tenantId`` when the operation needs it."""
        if cast(NXCCEndpoint[Any], endpoint).tenant:
            return {"tenantId": tenant(self.tenant_id, endpoint.path), **fields}
        return dict(fields)

    def encode(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> bytes:
        """Compact JSON: the bytes that are signed and sent."""
        return orjson.dumps(fields)

    def prepare(self, endpoint: Endpoint[Any], body: bytes, clock_offset: float) -> Request:
        """A POST signed at this moment (``ts`` in ms). While the clock offset stays the same,
        every request gets a ``ts`` past the previous one's, so that no attempt repeats a
        ``ts`` and its ``sign`` (a re-estimate from the same whole-second ``Date`` lands on the
        same millisecond again); a new offset (a corrected clock) may move ``ts`` back."""
        ts = int((self._clock() + clock_offset) * 1000)
        offset, last = self._last
        if clock_offset == offset and ts <= last:
            ts = last + 1
        self._last = (clock_offset, ts)
        headers = self._signer.headers(self._secret.reveal(), ts, body)
        return Request("POST", self.base_url + endpoint.full_path, headers, body)

    def decode(self, endpoint: Endpoint[Any], response: Response) -> Any:
        """The envelope of a successful answer (``code == 0``), or its error."""
        return envelope.decode(response, endpoint.path)
