"""``client.tasks``: auto-dial (AICC) tasks."""

from __future__ import annotations

from collections.abc import Sequence

from nxcc_async.client.resources.base import Resource
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.enums import DispatchType, StartupType
from nxcc_async.nxcc.records import DialTarget


class TasksAPI(Resource):
    """Auto-dial tasks (``ai/createandcall``)."""

    async def create_and_call(
        self,
        *,
        country: str,
        task_name: str,
        agent_group_no: str,
        call_list: Sequence[DialTarget],
        strategy_name: str,
        predict_call_rate: float,
        ratio_call_rate: float,
        start_count: int,
        task_desc: str | None = None,
        dispatch_type: DispatchType = DispatchType.NONE,
        startup_type: StartupType = StartupType.IMMEDIATE,
    ) -> None:
        """Create an auto-dial task and dial ``call_list``.

        Required as the vendor marks them: ``strategy_name``, ``predict_call_rate`` and
        ``ratio_call_rate`` (numbers from 0 to 100), ``start_count`` (>= 0). ``country`` is a
        2-letter code (``"SG"``), phone numbers 6-15 digits with the country code, order ids
        unique: anything else raises ``ValueError``/``TypeError`` before sending. Not
        idempotent: it is never retried once the request may have reached the server (a lost
        answer raises; check the CDRs by order id before calling again)."""
        fields = ep.create_and_call_fields(
            country=country,
            task_name=task_name,
            agent_group_no=agent_group_no,
            call_list=call_list,
            task_desc=task_desc,
            strategy_name=strategy_name,
            dispatch_type=dispatch_type,
            startup_type=startup_type,
            predict_call_rate=predict_call_rate,
            ratio_call_rate=ratio_call_rate,
            start_count=start_count,
        )
        await self._send(ep.CREATE_AND_CALL, fields)
