"""A wallboard line of one VDN: agent counts and skill queues, built from monitoring records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from nxcc_async.cec.records import SkillServiceQuality, SkillStatus, SystemState


@attrs.frozen(kw_only=True)
class QueueLine:
    """One skill queue on the board: calls waiting, longest wait (s), agents signed in and idle,
    and the service level of the current 5 minutes (``None`` when the server did not say)."""

    skill_id: int | None
    skill_name: str | None = None
    waiting_calls: int | None = None
    longest_wait: int | None = None
    login_agents: int | None = None
    idle_agents: int | None = None
    service_level: float | None = None


@attrs.frozen(kw_only=True)
class VdnBoard:
    """Agent counts of a whole VDN (``agents``: busy, talking, idle, signed in) and its skill
    queues (``queues``, empty when not asked)."""

    cc_id: int
    vdn: int
    agents: SystemState
    queues: tuple[QueueLine, ...] = ()

    @classmethod
    def of(
        cls,
        cc_id: int,
        vdn: int,
        agents: SystemState,
        queues: Iterable[SkillStatus],
        levels: Iterable[SkillServiceQuality],
    ) -> VdnBoard:
        """Join the skill states and service levels on the skill id."""
        level = {q.skill_id: q.service_level for q in levels}
        lines = tuple(
            QueueLine(
                skill_id=q.skill_id,
                skill_name=q.skill_name,
                waiting_calls=q.waiting_calls,
                longest_wait=q.longest_wait,
                login_agents=q.login_agents,
                idle_agents=q.idle_agents,
                service_level=level.get(q.skill_id),
            )
            for q in queues
        )
        return cls(cc_id=cc_id, vdn=vdn, agents=agents, queues=lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (snake_case keys)."""
        a = self.agents
        return {
            "cc_id": self.cc_id,
            "vdn": self.vdn,
            "agents": {
                "busy": a.busy_agent,
                "talking": a.talking_num,
                "idle": a.idle_agent,
                "logged_in": a.total_login_agent,
            },
            "queues": [attrs.asdict(q) for q in self.queues],
        }
