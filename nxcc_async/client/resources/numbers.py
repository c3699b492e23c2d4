"""``client.numbers``: caller-ID numbers."""

from __future__ import annotations

from nxcc_async.client.resources.base import Resource
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.records import CallerNumber


class NumbersAPI(Resource):
    """Caller-ID numbers (``did/myUsefulNumber``)."""

    async def caller_ids(self, sip_number: str) -> list[CallerNumber]:
        """The caller-ID numbers an agent (by SIP number) may present."""
        return await self._send(ep.CALLER_NUMBERS, ep.caller_numbers_fields(sip_number))
