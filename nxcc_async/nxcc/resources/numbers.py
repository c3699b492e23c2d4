"""``client.numbers``: caller-ID numbers."""

from __future__ import annotations

from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import CallerNumber
from nxcc_async.nxcc.resources.base import Resource


class NumbersAPI(Resource):
    """Caller-ID numbers (``did/myUsefulNumber``)."""

    async def caller_ids(self, sip_number: str) -> list[CallerNumber]:
        """The caller-ID numbers an agent (by SIP number) may present."""
        body = ep.caller_numbers_body(
            ep.tenant(self._client.tenant_id, ep.CALLER_NUMBERS), sip_number
        )
        return ep.parse_caller_numbers(await self._client.call(ep.CALLER_NUMBERS, body))
