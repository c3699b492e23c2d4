"""The CEC side of a :class:`~nxcc_async._core.channel.Channel`: wrapped JSON body, auth-v2
``Authorization``, the two envelopes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, cast

from nxcc_async._core.endpoint import Endpoint
from nxcc_async._core.secret import Secret
from nxcc_async._core.transport import Request, Response
from nxcc_async.cec import envelope
from nxcc_async.cec.endpoints import CONTENT_TYPE, CECEndpoint
from nxcc_async.cec.signing import authorization


class CECWire:
    """Signs with ``access_key``/``secret`` the headers named in ``signed_headers``, with
    ``host`` as the signed Host (the Host sent stays ``host_sent``), at ``clock()`` + offset."""

    def __init__(
        self,
        *,
        base_url: str,
        access_key: str,
        secret: Secret,
        signed_headers: tuple[str, ...],
        host_sent: str,
        host: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.base_url = base_url
        self.access_key = access_key
        self._secret = secret
        self.signed_headers = signed_headers
        self._host_sent = host_sent
        self.host = host
        self._clock = clock

    def check(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> dict[str, Any]:
        """CEC requests carry nothing beyond their parameters."""
        return dict(fields)

    def encode(self, endpoint: Endpoint[Any], fields: Mapping[str, Any]) -> bytes:
        """The parameters, wrapped in ``queryParam`` where the interface wants it."""
        return cast(CECEndpoint[Any], endpoint).body(fields)

    def prepare(self, endpoint: Endpoint[Any], body: bytes, clock_offset: float) -> Request:
        """A POST with an auth-v2 ``Authorization`` made at this moment."""
        path = endpoint.full_path
        sent = {
            "Host": self._host_sent,
            "Content-Type": CONTENT_TYPE,
            "Content-Length": str(len(body)),
        }
        auth = authorization(
            access_key=self.access_key,
            secret_key=self._secret.reveal(),
            now=self._clock() + dt.timedelta(seconds=clock_offset),
            method="POST",
            path=path,
            headers={**sent, "Host": self.host},
            body=body,
            signed_headers=self.signed_headers,
        )
        return Request("POST", self.base_url + path, {**sent, "Authorization": auth}, body)

    def decode(self, endpoint: Endpoint[Any], response: Response) -> Any:
        """The payload of a successful answer in the interface's envelope, or its error."""
        return envelope.decode(response, endpoint.path, cast(CECEndpoint[Any], endpoint).envelope)
