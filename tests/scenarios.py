"""One table of client scenarios, run through AsyncNXCC and through NXCC (see test_scenarios).

Each scenario is an ``async def`` taking the client, the emulator and ``resolve``: ``resolve``
awaits a coroutine and drains an iterator, so the same code drives the async client and the
blocking one (whose calls then run inside a running event loop, as they would in Jupyter).
Results are checked against the emulator's ground truth.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from nxcc_async import (
    Agent,
    AgentGroup,
    AgentStatus,
    CallDirection,
    CallRecord,
    DialTarget,
    QueueMember,
)
from nxcc_async.emulator import Emulator

DAY = 1_735_689_600  # 2025-01-01T00:00:00Z
WEEK_END = DAY + 7 * 86_400
UTC = dt.timezone.utc

Resolve = Callable[[Any], Awaitable[Any]]
Scenario = Callable[[Any, Emulator, Resolve], Awaitable[None]]


def all_agent_sips(emu: Emulator) -> list[str]:
    return sorted(a.sip_number for a in emu.data.agents)


async def agents_page(client: Any, emu: Emulator, resolve: Resolve) -> None:
    page = await resolve(client.agents.page(1, 50))
    assert len(page.items) == 50
    assert page.total == len(emu.data.agents)
    assert all(isinstance(a, Agent) for a in page.items)


async def agents_list(client: Any, emu: Emulator, resolve: Resolve) -> None:
    agents = await resolve(client.agents.list(page_size=70))
    assert sorted(a.sip_number for a in agents) == all_agent_sips(emu)


async def agents_iter(client: Any, emu: Emulator, resolve: Resolve) -> None:
    agents = await resolve(client.agents.iter(page_size=100))
    assert sorted(a.sip_number for a in agents) == all_agent_sips(emu)


async def agents_status(client: Any, emu: Emulator, resolve: Resolve) -> None:
    user = emu.data.agents[0].user_name
    rows = await resolve(
        client.agents.status(user, dt.datetime(2025, 1, 1, tzinfo=UTC), DAY + 86_400)
    )
    assert rows
    assert all(isinstance(r, AgentStatus) for r in rows)
    assert rows[0].user_name == user


async def agents_efficiency(client: Any, emu: Emulator, resolve: Resolve) -> None:
    page = await resolve(client.agents.efficiency(DAY, DAY + 86_400, size=10))
    assert 0 < len(page.items) <= 10
    assert page.total is not None
    assert page.total >= len(page.items)


async def queues_list(client: Any, emu: Emulator, resolve: Resolve) -> None:
    groups = await resolve(client.queues.list())
    assert all(isinstance(g, AgentGroup) for g in groups)
    assert {g.group_no for g in groups} == {g.group_no for g in emu.data.groups}


async def queues_update_members(client: Any, emu: Emulator, resolve: Resolve) -> None:
    group = emu.data.groups[-1]
    wanted = [a.sip_number for a in emu.data.agents[3:6]]
    assert await resolve(client.queues.update_members(group.group_no, wanted)) is None
    members = await resolve(client.queues.members(group.group_no))
    assert all(isinstance(m, QueueMember) for m in members)
    assert sorted(m.sip_number for m in members) == sorted(wanted)
    agent = await resolve(client.agents.page(1, 1, user_name=emu.data.agents[3].user_name))
    assert group.group_name in agent.items[0].queue_name


async def cdrs_iter_day(client: Any, emu: Emulator, resolve: Resolve) -> None:
    cdrs = await resolve(client.cdrs.iter(DAY, DAY + 86_399))
    ids = [c.call_id for c in cdrs]
    assert len(ids) == len(set(ids)) == 1000
    assert set(ids) == set(emu.data.cdr_ids(DAY, DAY + 86_399))


async def cdrs_page_inbound(client: Any, emu: Emulator, resolve: Resolve) -> None:
    page = await resolve(client.cdrs.page(DAY, DAY + 86_399, direction=CallDirection.INBOUND))
    assert len(page.items) == 100
    assert {c.direction for c in page.items} == {CallDirection.INBOUND}
    assert page.total is None


async def cdrs_harvest_week(client: Any, emu: Emulator, resolve: Resolve) -> None:
    cdrs: list[CallRecord] = await resolve(client.cdrs.harvest(DAY, WEEK_END))
    ids = [c.call_id for c in cdrs]
    assert len(ids) == len(set(ids)) == 7000
    assert set(ids) == set(emu.data.cdr_ids(DAY, WEEK_END - 1))


async def tasks_create_and_find(client: Any, emu: Emulator, resolve: Resolve) -> None:
    order = f"order-{uuid.uuid4().hex[:12]}"  # unique across clients of one emulator
    target = DialTarget(user_phone="85255550000", order_id=order, other="scenario")
    await resolve(
        client.tasks.create_and_call(
            country="HK",
            task_name="scenario",
            agent_group_no=emu.data.groups[0].group_no,
            call_list=[target],
            strategy_name="default",
            predict_call_rate=1.2,
            ratio_call_rate=1,
            start_count=1,
        )
    )
    (cdr,) = await resolve(client.cdrs.by_order(order))
    assert cdr.order_id == order
    assert cdr.direction is CallDirection.AICC


async def numbers_caller_ids(client: Any, emu: Emulator, resolve: Resolve) -> None:
    numbers = await resolve(client.numbers.caller_ids(emu.data.agents[0].sip_number))
    assert numbers
    assert all(n.number for n in numbers)


SCENARIOS: dict[str, Scenario] = {
    "agents.page": agents_page,
    "agents.list": agents_list,
    "agents.iter": agents_iter,
    "agents.status": agents_status,
    "agents.efficiency": agents_efficiency,
    "queues.list": queues_list,
    "queues.update_members": queues_update_members,
    "cdrs.iter": cdrs_iter_day,
    "cdrs.page": cdrs_page_inbound,
    "cdrs.harvest": cdrs_harvest_week,
    "tasks.create_and_call": tasks_create_and_find,
    "numbers.caller_ids": numbers_caller_ids,
}
