"""Blocking twins of the NXCC resources. Each method is one crossing of the portal; the
signatures match the async ones (a test enforces it), iterators become blocking iterators."""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator, Sequence

from nxcc_async._core.page import Page
from nxcc_async._core.portal import SyncResource
from nxcc_async._core.timeutil import TimeArg
from nxcc_async.client.resources.agents import AgentsAPI
from nxcc_async.client.resources.cdrs import CdrsAPI
from nxcc_async.client.resources.numbers import NumbersAPI
from nxcc_async.client.resources.queues import QueuesAPI
from nxcc_async.client.resources.tasks import TasksAPI
from nxcc_async.harvest.harvester import ProgressCallback
from nxcc_async.nxcc import endpoints as ep
from nxcc_async.nxcc.enums import AnsweredFilter, CallDirection, DispatchType, StartupType
from nxcc_async.nxcc.records import (
    Agent,
    AgentEfficiency,
    AgentGroup,
    AgentStatus,
    CallerNumber,
    CallRecord,
    DialTarget,
    QueueMember,
)


class Agents(SyncResource):
    """Blocking ``client.agents``: see :class:`~nxcc_async.nxcc.resources.agents.AgentsAPI`."""

    _async: AgentsAPI

    def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, user_name: str | None = None
    ) -> Page[Agent]:
        """One page of agents with ``total``."""
        return self._portal.call(self._async.page, page, size, user_name=user_name)

    def iter(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> Iterator[Agent]:
        """Every agent (pages after the first fetched concurrently)."""
        return self._portal.iterate(self._async.iter(user_name=user_name, page_size=page_size))

    def list(
        self, *, user_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[Agent]:
        """Every agent as a list."""
        return self._portal.call(self._async.list, user_name=user_name, page_size=page_size)

    def status(self, user_name: str, start: TimeArg, end: TimeArg) -> builtins.list[AgentStatus]:
        """State durations of an agent over a time range."""
        return self._portal.call(self._async.status, user_name, start, end)

    def efficiency(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page: int = 1,
        size: int = ep.EFFICIENCY_PAGE_MAX,
        user_name: str | None = None,
        group_name: str | None = None,
        per_day: bool = False,
    ) -> Page[AgentEfficiency]:
        """One page of efficiency statistics."""
        return self._portal.call(
            self._async.efficiency,
            start,
            end,
            page=page,
            size=size,
            user_name=user_name,
            group_name=group_name,
            per_day=per_day,
        )


class Queues(SyncResource):
    """Blocking ``client.queues``: see :class:`~nxcc_async.nxcc.resources.queues.QueuesAPI`."""

    _async: QueuesAPI

    def page(
        self, page: int = 1, size: int = ep.AGENT_PAGE_MAX, *, queue_name: str | None = None
    ) -> Page[AgentGroup]:
        """One page of agent groups with ``total``."""
        return self._portal.call(self._async.page, page, size, queue_name=queue_name)

    def iter(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> Iterator[AgentGroup]:
        """Every agent group."""
        return self._portal.iterate(self._async.iter(queue_name=queue_name, page_size=page_size))

    def list(
        self, *, queue_name: str | None = None, page_size: int = ep.AGENT_PAGE_MAX
    ) -> builtins.list[AgentGroup]:
        """Every agent group as a list."""
        return self._portal.call(self._async.list, queue_name=queue_name, page_size=page_size)

    def members(self, queue_no: str) -> builtins.list[QueueMember]:
        """The members of one agent group."""
        return self._portal.call(self._async.members, queue_no)

    def update_members(self, queue_no: str, members: Sequence[str]) -> None:
        """Set the complete membership of a group (agent SIP numbers)."""
        return self._portal.call(self._async.update_members, queue_no, members)


class Cdrs(SyncResource):
    """Blocking ``client.cdrs``: see :class:`~nxcc_async.nxcc.resources.cdrs.CdrsAPI`."""

    _async: CdrsAPI

    def page(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page: int = 1,
        size: int = ep.CDR_PAGE_MAX,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        call_id: str | None = None,
        order_id: str | None = None,
    ) -> Page[CallRecord]:
        """One page of CDRs (no total)."""
        return self._portal.call(
            self._async.page,
            start,
            end,
            page=page,
            size=size,
            answered=answered,
            direction=direction,
            name=name,
            caller=caller,
            callee=callee,
            call_id=call_id,
            order_id=order_id,
        )

    def iter(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        page_size: int = ep.CDR_PAGE_MAX,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        call_id: str | None = None,
        order_id: str | None = None,
    ) -> Iterator[CallRecord]:
        """Every CDR in the range, page by page."""
        return self._portal.iterate(
            self._async.iter(
                start,
                end,
                page_size=page_size,
                answered=answered,
                direction=direction,
                name=name,
                caller=caller,
                callee=callee,
                call_id=call_id,
                order_id=order_id,
            )
        )

    def by_order(self, order_id: str) -> builtins.list[CallRecord]:
        """The CDRs of one order."""
        return self._portal.call(self._async.by_order, order_id)

    def harvest(
        self,
        start: TimeArg,
        end: TimeArg,
        *,
        checkpoint: str | os.PathLike[str] | None = None,
        answered: bool | AnsweredFilter | None = None,
        direction: CallDirection | str | None = None,
        name: str | None = None,
        caller: str | None = None,
        callee: str | None = None,
        page_size: int = ep.CDR_PAGE_MAX,
        window: int = 600,
        checkpoint_every: float = 1.0,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[CallRecord]:
        """Every CDR of ``[start, end)`` exactly once, concurrent and resumable (one crossing
        of the portal per time window)."""
        return self._portal.iterate(
            self._async.harvest(
                start,
                end,
                checkpoint=checkpoint,
                answered=answered,
                direction=direction,
                name=name,
                caller=caller,
                callee=callee,
                page_size=page_size,
                window=window,
                checkpoint_every=checkpoint_every,
                on_progress=on_progress,
            )
        )


class Tasks(SyncResource):
    """Blocking ``client.tasks``: see :class:`~nxcc_async.nxcc.resources.tasks.TasksAPI`."""

    _async: TasksAPI

    def create_and_call(
        self,
        *,
        country: str,
        task_name: str,
        agent_group_no: str,
        call_list: Sequence[DialTarget],
        task_desc: str | None = None,
        strategy_name: str | None = None,
        dispatch_type: DispatchType = DispatchType.NONE,
        startup_type: StartupType = StartupType.IMMEDIATE,
        predict_call_rate: float | None = None,
        ratio_call_rate: float | None = None,
        start_count: int | None = None,
    ) -> None:
        """Create an auto-dial task (never retried once it may have reached the server)."""
        return self._portal.call(
            self._async.create_and_call,
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


class Numbers(SyncResource):
    """Blocking ``client.numbers``: see :class:`~nxcc_async.nxcc.resources.numbers.NumbersAPI`."""

    _async: NumbersAPI

    def caller_ids(self, sip_number: str) -> builtins.list[CallerNumber]:
        """The caller-ID numbers an agent may present."""
        return self._portal.call(self._async.caller_ids, sip_number)
