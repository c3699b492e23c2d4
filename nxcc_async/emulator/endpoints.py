"""The NXCC endpoints as pure functions: validated body in, ``(data, total)`` out.

Each validates first and raises ``Invalid`` for a body the real service would refuse.
``total`` is ``None`` for the endpoints whose answer has no ``total`` (``cdr/page`` among them).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any

from nxcc_async.emulator import validate as v
from nxcc_async.emulator.data import EmulatorData

Result = tuple[Any, int | None]
Outcome = Result | Callable[[], Result]
"""An answer, or (for a request that changes state) a thunk applying the change, run only if no
injected fault stops the request first."""
Body = Mapping[str, Any]

MAX_CDR_PAGE = 100
MAX_EFFICIENCY_PAGE = 100
MAX_AGENT_PAGE = 200
MAX_GROUP_PAGE = 200


class Endpoints:
    """Every NXCC endpoint of the spec over one ``EmulatorData``."""

    def __init__(self, data: EmulatorData, *, clock: Callable[[], float] = time.time) -> None:
        self.data = data
        self._clock = clock
        self._tasks = itertools.count(1)

    def table(self) -> dict[str, Callable[[Body], Outcome]]:
        """Path under ``/saas/cc/openapi/`` → handler."""
        return {
            "agent/page": self.agent_page,
            "agent/status/info": self.agent_status,
            "agentGroup/updateMembers": self.update_members,
            "cdr/page": self.cdr_page,
            "cdr/queryByOrderId": self.cdr_by_order,
            "agentGroup/page": self.group_page,
            "agentGroup/member/list": self.member_list,
            "agent/efficiencyStatistical/page": self.efficiency,
            "ai/createandcall": self.create_and_call,
            "did/myUsefulNumber": self.useful_numbers,
        }

    def _tenant(self, body: Body) -> None:
        v.tenant(body, self.data.tenant_id)

    def agent_page(self, body: Body) -> Result:
        """``agent/page``: agents, ``userName`` a substring filter (or an exact sipNumber)."""
        self._tenant(body)
        page, size = v.paging(body, MAX_AGENT_PAGE)
        name = v.text(body, "userName")
        agents = self.data.agents
        if name:
            agents = [a for a in agents if name in a.user_name or name == a.sip_number]
        rows = agents[(page - 1) * size : page * size]
        return [self.data.agent_record(a) for a in rows], len(agents)

    def agent_status(self, body: Body) -> Result:
        """``agent/status/info``: a one-entry list, or ``[]`` for an unknown agent."""
        self._tenant(body)
        name = str(v.required(body, "userName"))
        start, end = v.time_range(body, "startDateTime", "endDateTime")
        agent = self.data.find_agent(name)
        return ([self.data.agent_status(agent, start, end)] if agent else []), None

    def _group(self, body: Body) -> str:
        queue_no = str(v.required(body, "queueNo"))
        if queue_no not in self.data.group_by_no:
            raise v.Invalid(f"Agent group does not exist: {queue_no}")
        return queue_no

    def update_members(self, body: Body) -> Outcome:
        """``agentGroup/updateMembers``: the list becomes the group's whole membership."""
        self._tenant(body)
        queue_no = self._group(body)
        members = body.get("members")
        if members is None:
            raise v.Invalid("members cannot be empty")
        if not isinstance(members, list):  # [] is a membership too: it empties the group
            raise v.Invalid("members must be a list of SIP numbers")
        unknown = [m for m in members if m not in self.data.agent_by_sip]
        if unknown:
            raise v.Invalid(f"Agent does not exist: {', '.join(map(str, unknown[:5]))}")

        def commit() -> Result:
            self.data.set_members(queue_no, members)
            return None, None

        return commit

    def member_list(self, body: Body) -> Result:
        """``agentGroup/member/list``: the group's members (not paged)."""
        self._tenant(body)
        queue_no = self._group(body)
        agents = [self.data.agent_by_sip[s] for s in self.data.members(queue_no)]
        rows = [
            {"sipNumber": a.sip_number, "nickName": a.nick_name, "userName": a.user_name}
            for a in agents
        ]
        return rows, None

    def group_page(self, body: Body) -> Result:
        """``agentGroup/page``: groups, ``queueName`` a substring filter."""
        self._tenant(body)
        page, size = v.paging(body, MAX_GROUP_PAGE)
        name = v.text(body, "queueName")
        groups = [g for g in self.data.groups if not name or name in g.group_name]
        return [dict(g.record) for g in groups[(page - 1) * size : page * size]], len(groups)

    def cdr_page(self, body: Body) -> Result:
        """``cdr/page``: CDRs with ``startTime // 1000`` in [startTime, endTime], no total."""
        start, end = v.time_range(body, "startTime", "endTime")
        page, size = v.paging(body, MAX_CDR_PAGE)
        f = v.cdr_filter(body)
        return self.data.cdrs.page(start, end, f, (page - 1) * size, size), None

    def cdr_by_order(self, body: Body) -> Result:
        """``cdr/queryByOrderId``: every call of one order."""
        self._tenant(body)
        return self.data.cdrs.by_order_id(str(v.required(body, "orderId"))), None

    def efficiency(self, body: Body) -> Result:
        """``agent/efficiencyStatistical/page``: one row per agent, or per agent and day."""
        self._tenant(body)
        span = v.day_span(body, "startDateTime", "endDateTime")
        page, size = v.paging(body, MAX_EFFICIENCY_PAGE)
        kind = v.as_int(body.get("staticalType", 0))
        if kind not in (0, 1):
            raise v.Invalid("staticalType must be 0 or 1")
        agents = self.data.agents
        name = v.text(body, "userName")
        if name:
            agents = [a for a in agents if name in (a.user_name, a.sip_number)]
        group = v.text(body, "groupName")
        if group:
            agents = [a for a in agents if group in self.data.queue_names(a.sip_number)]
        days = [d.isoformat() for d in span]
        total = (len(days) if kind == 1 else 1) * len(agents)
        rows = []
        for k in range((page - 1) * size, min(page * size, total)):
            agent = agents[k % len(agents)]
            if kind == 1:
                rows.append(self.data.efficiency_row(agent, days[k // len(agents)]))
            else:  # the totals of the same per-day rows
                rows.append(self.data.efficiency_total(agent, days))
        return rows, total

    def create_and_call(self, body: Body) -> Outcome:
        """``ai/createandcall``: one AICC CDR per ``callList`` entry, starting now. Strict like a
        careful server: the four fields the vendor marks required, rates as numbers from 0 to
        100, a 2-letter country code, unique ``orderID``s, 6-15 digit phone numbers."""
        v.required(body, "taskName")
        v.required(body, "strategyName")
        country = v.required(body, "country")
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            raise v.Invalid(f"Invalid country: {country}")
        for key in ("predictCallRate", "ratioCallRate"):
            rate = v.required(body, key)
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 100:
                raise v.Invalid(f"{key} must be a number between 0 and 100")
        start_count = v.required(body, "startCount")
        if isinstance(start_count, bool) or not isinstance(start_count, int) or start_count < 0:
            raise v.Invalid("startCount must be a non-negative integer")
        group = v.text(body, "agentGroupNo")
        if group and group not in self.data.group_by_no:
            raise v.Invalid(f"Agent group does not exist: {group}")
        for key, allowed in (("dispatchType", (0, 1, 2)), ("startupType", (0, 1, 2, 3))):
            if body.get(key) is not None and v.as_int(body[key]) not in allowed:
                raise v.Invalid(f"{key} must be one of {allowed}")
        calls = body.get("callList")
        if not isinstance(calls, list) or not calls:
            raise v.Invalid("callList cannot be empty")
        targets, orders = [], set()
        for entry in calls:
            if not isinstance(entry, dict) or not isinstance(entry.get("userPhone"), str):
                raise v.Invalid("callList entries need a userPhone")
            phone = entry["userPhone"]
            if not (phone.isascii() and phone.isdigit() and 6 <= len(phone) <= 15):
                raise v.Invalid(f"Invalid userPhone: {phone}")
            order, other = entry.get("orderID"), entry.get("other")
            if order is not None:
                if str(order) in orders:
                    raise v.Invalid(f"Duplicate orderID: {order}")
                orders.add(str(order))
            targets.append((phone, None if order is None else str(order), other and str(other)))

        def commit() -> Result:
            task_id = f"T{self.data.tenant_id}-{next(self._tasks):06d}"
            now_ms = int(self._clock() * 1000)
            self.data.cdrs.create_calls(targets, now_ms=now_ms, task_id=task_id)
            return None, None

        return commit

    def useful_numbers(self, body: Body) -> Result:
        """``did/myUsefulNumber``: caller-ID numbers of one agent."""
        self._tenant(body)
        sip = str(v.required(body, "sipNumber"))
        agent = self.data.agent_by_sip.get(sip)
        if agent is None:
            raise v.Invalid(f"Agent does not exist: {sip}")
        return self.data.numbers_for(agent), None
