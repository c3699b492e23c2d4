"""Deterministic CEC data for the emulator: the agents of each (ccId, VDN) and their counts.

Every VDN is generated from ``(seed, ccId, vdn)`` alone, on first use: 230-449 agents (ids
1001, 1002, ... in VDN order) whose CTI states follow a fixed mix. Agents 101-200 of every VDN
(indexes 100-199) are signed out, so page 2 of 100 is all zeros while page 3 is not: a client that
stops at the first all-zero page undercounts. Every interface reads the same agents, so the counts
of a ``systemstate`` page equal the counts of that page's agents in every other interface.

State codes: 0 signed out, 1 idle, 2-5 talking, 6 wrap-up, 7 busy (set busy), 8 rest.
This module is independent of the client's code on purpose.

Skill queues (3-6 per VDN, ids 101, 102, ...) come from the same seed. With ``live`` (see
:func:`churn`), a share of the signed-in agents change state every period and the queues move
with them, so a wallboard polling the emulator sees numbers change; without it, nothing moves.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NOT_SIGNED_IN_MS = 4294967295000
#: 2024-01-01T08:00:00Z: the emulator's fixed "morning", so data never depends on the wall clock.
BASE_MS = 1704096000000
SIGNED_OUT_BLOCK = range(100, 200)
FIRST_AGENT_ID = 1001

# (state code, weight)
_MIX: tuple[tuple[int, int], ...] = (
    (0, 20),
    (1, 30),
    (2, 5),
    (3, 15),
    (4, 3),
    (5, 2),
    (6, 5),
    (7, 10),
    (8, 10),
)


@dataclass(frozen=True)
class EmuAgent:
    """One emulated agent."""

    agent_id: int
    location_id: int
    state: int
    state_seconds: int
    prev_state: int
    prev_state_seconds: int
    logon_ms: int
    waiting_rest: bool

    @property
    def signed_in(self) -> bool:
        """False for state 0."""
        return self.state != 0

    @property
    def talking(self) -> bool:
        """States 2-5."""
        return 2 <= self.state <= 5

    def status_row(self) -> dict[str, Any]:
        """The row of ``agentstatusinfobyagentids``."""
        return {
            "agentId": self.agent_id,
            "locationId": self.location_id,
            "currentState": self.state,
            "currentStateTime": self.state_seconds,
            "currentStateReason": 0,
            "prevState": self.prev_state,
            "prevStateTime": self.prev_state_seconds,
            "logonTime": self.logon_ms,
            "agentRelease": 0,
            "currentPrivateCallNum": 1 if self.talking else 0,
        }

    def brief_row(self) -> dict[str, Any]:
        """The row of ``totalagentabstractex3`` and ``queryAgentByStatus``."""
        return {
            "agentId": self.agent_id,
            "locationId": self.location_id,
            "currentState": self.state,
            "currentStateTime": self.state_seconds,
        }

    def calls_row(self, cc_id: int, vdn: int) -> dict[str, Any]:
        """The row of ``queryagentcalls``: one voice call while talking, else none."""
        calls = []
        if self.talking:
            calls.append(
                {
                    "callId": f"{cc_id}-{vdn}-{self.agent_id}-1",
                    "callStatus": self.state,
                    "callInOut": 1 + self.agent_id % 2,
                    "mediaType": 5,
                    "submediaType": 0,
                }
            )
        return {"agentId": self.agent_id, "callList": calls}

    @property
    def name(self) -> str:
        """The agent's display name."""
        return f"Agent {self.agent_id}"

    def rest_row(self) -> dict[str, Any]:
        """The ``agentsRestDetails`` entry of a resting agent (the spec's field names)."""
        return {
            "workNo": self.agent_id,
            "agentName": self.name,
            "cantRestReason": 0,
            "beginTime": BASE_MS + 3_600_000 - self.state_seconds * 1000,
            "restDuration": self.state_seconds,
        }

    def work_no_row(self, vdn: int) -> dict[str, Any]:
        """The payload of ``agentbyworkno`` (lower-case keys; ``status`` in its own numbering)."""
        return {
            "workno": self.agent_id,
            "vdnid": vdn,
            "ctiStatus": self.state,
            "name": self.name,
            "phonenumber": f"8{self.agent_id:05d}",
            "logindate": self.logon_ms,
            "currentstatetime": self.state_seconds,
            "mediatype": 5,
            "status": WORKNO_STATUS[self.state],
        }

    def call_id(self, cc_id: int, vdn: int) -> str | None:
        """The id of the agent's call while talking."""
        return f"{cc_id}-{vdn}-{self.agent_id}-1" if self.talking else None


#: CTI state -> ``status`` of ``agentbyworkno`` (0 unknown, 2 out, 3 busy, 4 idle, 5 wrap-up,
#: 7 talking, 8 rest).
WORKNO_STATUS = {0: 2, 1: 4, 2: 7, 3: 7, 4: 7, 5: 7, 6: 5, 7: 3, 8: 8}


def make_agents(seed: int, cc_id: int, vdn: int) -> list[EmuAgent]:
    """The agents of one VDN, always the same for the same arguments."""
    rng = random.Random(f"cec:{seed}:{cc_id}:{vdn}")
    states, weights = zip(*_MIX, strict=True)
    agents = []
    for index in range(230 + rng.randrange(220)):
        state = 0 if index in SIGNED_OUT_BLOCK else rng.choices(states, weights)[0]
        signed_in = state != 0
        agents.append(
            EmuAgent(
                agent_id=FIRST_AGENT_ID + index,
                location_id=1 + rng.randrange(3),
                state=state,
                state_seconds=rng.randrange(1, 3600),
                prev_state=rng.choice((1, 7, 8)) if signed_in else 0,
                prev_state_seconds=rng.randrange(1, 3600),
                logon_ms=BASE_MS + rng.randrange(3600) * 1000 if signed_in else NOT_SIGNED_IN_MS,
                waiting_rest=signed_in and state != 8 and rng.random() < 0.05,
            )
        )
    return agents


def system_counts(agents: Sequence[EmuAgent]) -> dict[str, int]:
    """``busyAgent``/``talkingNum``/``idleAgent``/``totalLoginAgent`` of some agents."""
    return {
        "busyAgent": sum(a.state == 7 for a in agents),
        "talkingNum": sum(a.talking for a in agents),
        "idleAgent": sum(a.state == 1 for a in agents),
        "totalLoginAgent": sum(a.signed_in for a in agents),
    }


def team_counts(agents: Sequence[EmuAgent]) -> dict[str, int]:
    """The counters of ``teamagentstatusinfo`` (consistent with :func:`system_counts`)."""
    counts = system_counts(agents)
    return {
        "loginEd": counts["totalLoginAgent"],
        "talking": counts["talkingNum"],
        "idle": counts["idleAgent"],
        "usable": counts["idleAgent"],
        "setBusy": counts["busyAgent"],
        "rest": sum(a.state == 8 for a in agents),
        "studying": 0,
        "occupy": 0,
        "preoccupy": 0,
        "answering": 0,
    }


def rest_info(agents: Sequence[EmuAgent], allow_rest: int) -> dict[str, Any]:
    """The payload of ``agentrestinfos`` for a page of agents (detail keys are the emulator's)."""
    resting = [a for a in agents if a.state == 8]
    return {
        "allowRestNum": allow_rest,
        "onRestNum": len(resting),
        "waitRestNum": sum(a.waiting_rest for a in agents),
        "agentsRestDetails": [a.rest_row() for a in resting],
    }


def churn(agents: Sequence[EmuAgent], seed: int, cc_id: int, vdn: int, step: int) -> list[EmuAgent]:
    """The agents at live step ``step``: about one signed-in agent in five draws a new state
    (never signed out, so the signed-out block stays); step 0 is the static data."""
    if step == 0:
        return list(agents)
    rng = random.Random(f"cec-live:{seed}:{cc_id}:{vdn}:{step}")
    states, weights = zip(*_MIX[1:], strict=True)
    result = []
    for agent in agents:
        moved = agent
        if agent.signed_in and rng.random() < 0.2:
            state = rng.choices(states, weights)[0]
            moved = dataclasses.replace(
                agent, prev_state=agent.state, state=state, state_seconds=rng.randrange(1, 60)
            )
        result.append(moved)
    return result


@dataclass(frozen=True)
class EmuSkill:
    """One emulated skill queue."""

    skill_id: int
    name: str
    waiting: int
    longest_wait: int
    service_level: float

    def status_row(self, agents: Sequence[EmuAgent]) -> dict[str, Any]:
        """The row of ``totalskillstatusex3`` (keys are the emulator's reading of the docs)."""
        serving = [a for a in agents if a.agent_id % 7 == self.skill_id % 7 or a.state == 1]
        return {
            "skillId": self.skill_id,
            "skillName": self.name,
            "queueSize": self.waiting,
            "maxWaitTime": self.longest_wait,
            "loginAgentNum": sum(a.signed_in for a in serving),
            "idleAgentNum": sum(a.state == 1 for a in serving),
            "mediaType": 5,
        }


_SKILL_NAMES = ("Sales", "Support", "Billing", "VIP", "Outbound", "Complaints")


def make_skills(seed: int, cc_id: int, vdn: int, step: int = 0) -> list[EmuSkill]:
    """The skill queues of one VDN at live step ``step`` (the ids never change)."""
    count = 3 + random.Random(f"cec-skills:{seed}:{cc_id}:{vdn}").randrange(4)
    rng = random.Random(f"cec-skills:{seed}:{cc_id}:{vdn}:{step}")
    skills = []
    for index in range(count):
        waiting = rng.choice((0, 0, 0, 1, 2, 3, 5, 8))
        skills.append(
            EmuSkill(
                skill_id=101 + index,
                name=_SKILL_NAMES[index],
                waiting=waiting,
                longest_wait=rng.randrange(5, 240) if waiting else 0,
                service_level=round(rng.uniform(55.0, 100.0), 1),
            )
        )
    return skills
