"""Deterministic synthetic tenant data (agents, groups, numbers, CDRs) and the mutable state.

Everything is a pure function of the seed except what requests change: group membership
(``agentGroup/updateMembers``) and created calls (``ai/createandcall``). ``EmulatorData`` is
also the ground truth tests compare answers against.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from nxcc_async.emulator.cdrs import CDR, CdrFilter, CdrStore, Person
from nxcc_async.emulator.live import LiveCall, LiveCdrStore, LiveMode
from nxcc_async.emulator.validate import cdr_filter

_FIRST = (
    "Alice", "Bruno", "Chen", "Dewi", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jae", "Kofi",
    "Lina", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Wen",
)  # fmt: skip
_LAST = ("Tan", "Lim", "Wong", "Santos", "Kumar", "Ng", "Garcia", "Sato", "Nguyen", "Ali", "Lee")
_COUNTRIES = ("US", "SG", "HK", "ID", "MY", "PH", "TH", "VN", "JP", "GB")
_GROUP_KINDS = ("Sales", "Support", "Billing", "VIP", "Retention", "Tech Desk", "Collections")
_STATES = ("busy", "wrapup", "idle", "calling", "ringing", "meeting", "eating", "wc", "sleep")
_STATES_ALL = (*_STATES, "other")


@attrs.frozen
class Agent:
    """A synthetic agent. ``record`` gives the ``agent/page`` shape (queueName is live state)."""

    sip_number: str
    user_name: str
    nick_name: str
    fields: dict[str, Any] = attrs.field(eq=False, repr=False)


@attrs.frozen
class Group:
    """A synthetic agent group (``agentGroup/page`` row in ``record``)."""

    group_no: str
    group_name: str
    record: dict[str, Any] = attrs.field(eq=False, repr=False)


def _stamp(rng: random.Random, lo: dt.datetime, days: int) -> dt.datetime:
    return lo + dt.timedelta(seconds=rng.randrange(days * 86_400))


def make_agents(seed: int, n: int) -> list[Agent]:
    """``n`` agents, ``NXAgent0001``/``agent0001@example.com`` onwards."""
    rng = random.Random(f"agents:{seed}")
    agents = []
    for i in range(1, n + 1):
        created = _stamp(rng, dt.datetime(2019, 6, 1), 500)
        modified = created + dt.timedelta(seconds=rng.randrange(400 * 86_400))
        countries = rng.sample(_COUNTRIES, rng.randrange(1, 4))
        nick = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        fields = {
            # Every 10th agent repeats the vendor example's quirk: one comma-joined string.
            "allowCountry": [", ".join(countries)] if i % 10 == 0 else countries,
            "endPointName": rng.choice(("WebRTC", "SIP Phone", "Mobile App")),
            "enableStatusLog": rng.random() < 0.5,
            "gmtCreate": created.strftime("%Y-%m-%d %H:%M:%S"),
            "gmtModified": modified.strftime("%Y-%m-%d %H:%M:%S"),
            "nickName": nick,
            "recording": rng.random() < 0.8,
            "recordingStorageDays": rng.choice((30, 90, 180, 365)),
            "sipNumber": f"NXAgent{i:04d}",
            "status": 0 if i % 17 == 0 else 1,
            "userName": f"agent{i:04d}@example.com",
        }
        agents.append(Agent(f"NXAgent{i:04d}", f"agent{i:04d}@example.com", nick, fields))
    return agents


def make_groups(seed: int, n: int) -> list[Group]:
    """``n`` agent groups, ``NXQueue0001`` onwards."""
    rng = random.Random(f"groups:{seed}")
    groups = []
    for j in range(1, n + 1):
        name = f"{_GROUP_KINDS[(j - 1) % len(_GROUP_KINDS)]} {j:02d}"
        record: dict[str, Any] = {
            "groupName": name,
            "groupNo": f"NXQueue{j:04d}",
            "remark": rng.choice(("", "day shift", "night shift", "overflow")),
            "familiarizeFirst": rng.random() < 0.3,
            "ringPolicy": rng.choice((1, 2)),
        }
        groups.append(Group(f"NXQueue{j:04d}", name, record))
    return groups


def make_numbers(seed: int) -> list[dict[str, Any]]:
    """The tenant's caller-ID numbers (``did/myUsefulNumber`` rows)."""
    rng = random.Random(f"dids:{seed}")
    rows = []
    for k, prefix in enumerate(("6531", "85230", "6221", "6015", "1415", "4420", "6531", "85258")):
        kind = (0, 0, 0, 1, 0, -1, 0, 1)[k]
        rows.append(
            {
                "number": prefix
                + str(rng.randrange(10 ** (11 - len(prefix)), 10 ** (12 - len(prefix)))),
                "remark": ("main line", "support", "", "route A", "US desk", "random pool", "", "")[
                    k
                ],
                "routerId": f"R{100 + k}",
                "routerName": f"route-{100 + k}",
                "type": kind,
            }
        )
    return rows


#: The counts of an efficiency row that a total row sums over its days.
_EFFICIENCY_COUNTS = (
    "callInCount",
    "answerCount",
    "answerCountInFive",
    "answerCountInTen",
    "callOutCount",
    "totalCallDuration",
)


class EmulatorData:
    """The emulator's tenant: agents, groups and members, caller-ID numbers, CDRs.

    Thread-safe for reading from a test thread while the server runs.
    """

    def __init__(
        self,
        *,
        seed: int,
        tenant_id: int,
        n_agents: int = 240,
        n_groups: int = 8,
        cdrs_per_day: int = 1000,
        cache_records: int = 50_000,
        live: LiveMode | None = None,
        clock: Callable[[], float] = time.time,
        profile: str | Sequence[int] = "office",
    ) -> None:
        if n_agents < 1 or n_groups < 1:
            raise ValueError("n_agents and n_groups must be at least 1")
        self.seed = seed
        self.tenant_id = tenant_id
        self.agents: list[Agent] = make_agents(seed, n_agents)
        self.groups: list[Group] = make_groups(seed, n_groups)
        self.numbers: list[dict[str, Any]] = make_numbers(seed)
        self.agent_by_sip = {a.sip_number: a for a in self.agents}
        self.agent_by_user = {a.user_name: a for a in self.agents}
        self.group_by_no = {g.group_no: g for g in self.groups}
        self._lock = threading.Lock()
        rng = random.Random(f"members:{seed}")
        self._members: dict[str, list[str]] = {g.group_no: [] for g in self.groups}
        for i, agent in enumerate(self.agents):
            self._members[self.groups[i % n_groups].group_no].append(agent.sip_number)
            if rng.random() < 0.3:
                other = self.groups[rng.randrange(n_groups)].group_no
                if agent.sip_number not in self._members[other]:
                    self._members[other].append(agent.sip_number)
        people = [Person(a.user_name, a.nick_name) for a in self.agents if a.fields["status"]]
        dids = [row["number"] for row in self.numbers]
        self.cdrs: CdrStore | LiveCdrStore
        if live is None:
            self.cdrs = CdrStore(
                seed=seed,
                tenant_id=tenant_id,
                cdrs_per_day=cdrs_per_day,
                agents=people,
                dids=dids,
                cache_records=cache_records,
                profile=profile,
            )
        else:
            self.cdrs = LiveCdrStore(
                live, seed=seed, tenant_id=tenant_id, agents=people, dids=dids, clock=clock
            )

    # -- groups ------------------------------------------------------------------------------------

    def members(self, queue_no: str) -> list[str]:
        """SIP numbers of a group's members, in order."""
        with self._lock:
            return list(self._members[queue_no])

    def set_members(self, queue_no: str, sip_numbers: Iterable[str]) -> None:
        """Replace a group's membership (duplicates dropped, order kept)."""
        with self._lock:
            self._members[queue_no] = list(dict.fromkeys(sip_numbers))

    def queue_names(self, sip_number: str) -> list[str]:
        """Names of the groups an agent belongs to, in group order."""
        with self._lock:
            return [g.group_name for g in self.groups if sip_number in self._members[g.group_no]]

    def agent_record(self, agent: Agent) -> dict[str, Any]:
        """The ``agent/page`` row of ``agent``, with its current ``queueName``."""
        return {**agent.fields, "queueName": self.queue_names(agent.sip_number)}

    def find_agent(self, name: str) -> Agent | None:
        """The agent whose userName or sipNumber is ``name``."""
        return self.agent_by_user.get(name) or self.agent_by_sip.get(name)

    # -- per-agent figures -------------------------------------------------------------------------

    def agent_status(self, agent: Agent, start_s: int, end_s: int) -> dict[str, Any]:
        """Deterministic state durations of ``agent`` over ``[start_s, end_s]``."""
        rng = random.Random(f"status:{self.seed}:{agent.sip_number}:{start_s}:{end_s}")
        span = max(0, end_s - start_s)
        online = int(span * rng.uniform(0.25, 0.4))
        weights = [rng.uniform(0.2, 1.0) * w for w in (8, 3, 10, 12, 2, 1, 1, 0.5, 0.2)]
        scale = online / (sum(weights) + 0.5)
        durations = {f"{s}Duration": int(w * scale) for s, w in zip(_STATES, weights, strict=True)}
        durations["otherDuration"] = max(0, online - sum(durations.values()))
        login = start_s + rng.randrange(0, max(1, span - online + 1)) if span else start_s
        return {
            "nickName": agent.nick_name,
            "userName": agent.user_name,
            "sipNumber": agent.sip_number,
            **{f"{s}Duration": durations[f"{s}Duration"] for s in _STATES_ALL},
            "loginTimeStamp": login,
            "logoutTimeStamp": login + online,
        }

    def efficiency_row(self, agent: Agent, day: str) -> dict[str, Any]:
        """One per-day ``agent/efficiencyStatistical/page`` row."""
        rng = random.Random(f"eff:{self.seed}:{agent.sip_number}:{day}")
        offered = rng.randrange(10, 60)
        answered = int(offered * rng.uniform(0.6, 0.95))
        in_five = int(answered * rng.uniform(0.5, 0.8))
        return {
            "agentName": agent.user_name,
            "agentNickName": agent.nick_name,
            "sipNumber": agent.sip_number,
            "callInCount": offered,
            "answerCount": answered,
            "answerCountInFive": in_five,
            "answerCountInTen": in_five + int((answered - in_five) * rng.uniform(0.3, 0.7)),
            "callOutCount": rng.randrange(5, 40),
            "totalCallDuration": answered * rng.randrange(60, 300),
            "answerRate": round(answered / offered, 4),
            "statDate": day,
        }

    def efficiency_total(self, agent: Agent, days: Sequence[str]) -> dict[str, Any]:
        """The total row of ``days``: the sums of the agent's per-day rows."""
        rows = [self.efficiency_row(agent, day) for day in days]
        row = {k: v for k, v in rows[0].items() if k != "statDate"}
        for key in _EFFICIENCY_COUNTS:
            row[key] = sum(r[key] for r in rows)
        row["answerRate"] = round(row["answerCount"] / row["callInCount"], 4)
        return row

    def numbers_for(self, agent: Agent) -> list[dict[str, Any]]:
        """The caller-ID numbers ``agent`` may use."""
        rng = random.Random(f"numbers:{self.seed}:{agent.sip_number}")
        return [dict(r) for r in self.numbers if rng.random() < 0.6] or [dict(self.numbers[0])]

    # -- ground truth for tests --------------------------------------------------------------------

    def cdr_list(self, start_s: int, end_s: int, **filters: Any) -> list[CDR]:
        """Every CDR ``cdr/page`` matches for this range and filters, in its order.

        ``filters`` are the ``cdr/page`` body fields with its numbering (``direction`` 0 all,
        1 inbound, 2 outbound, 3 AICC; ``answered`` 0 all, 1 no, 2 yes; ``name``, ``caller``,
        ``callee``, ``callId``, ``orderId``).
        """
        return list(self.cdrs.iter(start_s, end_s, cdr_filter(filters)))

    def cdr_ids(self, start_s: int, end_s: int, **filters: Any) -> list[str]:
        """The callIds of ``cdr_list``."""
        return [c["callId"] for c in self.cdr_list(start_s, end_s, **filters)]

    def count_cdrs(self, start_s: int, end_s: int, **filters: Any) -> int:
        """How many CDRs ``cdr/page`` would return in total (O(1) per whole unfiltered hour)."""
        return self.cdrs.count(start_s, end_s, cdr_filter(filters))

    def live_calls(self, start_s: int | None = None, end_s: int | None = None) -> list[LiveCall]:
        """Live mode: every call that started in ``[start_s, end_s)`` (default: all so far),
        visible or not, with its final CDR and when it becomes visible and final."""
        if not isinstance(self.cdrs, LiveCdrStore):
            raise RuntimeError("the emulator is not in live mode (pass live=LiveMode(...))")
        return list(self.cdrs.calls(start_s, end_s))

    def ended_cdrs(self, now: float | None = None) -> list[CDR]:
        """Live mode: the final CDR of every call that has ended by ``now`` (default: the
        emulator's clock), whether or not the server shows it yet, in ``cdr/page`` order."""
        calls = self.live_calls()
        at = self.cdrs.clock() if isinstance(self.cdrs, LiveCdrStore) and now is None else now
        return [c.cdr for c in calls if at is not None and c.end_ms <= at * 1000]


__all__ = ["Agent", "CdrFilter", "EmulatorData", "Group"]
