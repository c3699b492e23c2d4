"""Deterministic CEC data for the emulator: the agents of each (ccId, VDN) and their counts.

Every VDN is generated from ``(seed, ccId, vdn)`` alone, on first use: 230-449 agents (ids
1001, 1002, ... in VDN order) whose CTI states follow a fixed mix. Agents 101-200 of every VDN
(indexes 100-199) are signed out, so page 2 of 100 is all zeros while page 3 is not: a client that
stops at the first all-zero page undercounts. Every interface reads the same agents, so the counts
of a ``systemstate`` page equal the counts of that page's agents in every other interface.

State codes: 0 signed out, 1 idle, 2-5 talking, 6 wrap-up, 7 busy (set busy), 8 rest.
This module is independent of the client's code on purpose.
"""

from __future__ import annotations

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
        "agentsRestDetails": [
            {"agentId": a.agent_id, "restDuration": a.state_seconds} for a in resting
        ],
    }
