"""Huawei CEC (CC-CMS) monitoring: ``AsyncCEC``, its blocking mirror ``CEC``, and the records."""

from nxcc_async.cec.blocking import CEC
from nxcc_async.cec.board import QueueLine, VdnBoard
from nxcc_async.cec.client import AsyncCEC
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCall,
    AgentCalls,
    AgentInfo,
    AgentRestDetail,
    AgentRestInfo,
    AgentState,
    AgentStatusInfo,
    CallInfo,
    Indicators,
    IndicatorValue,
    LegacySystemState,
    SkillServiceQuality,
    SkillStateInfo,
    SkillStatus,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.states import AgentStateKind, CtiState, WorkNoStatus

__all__ = [
    "CEC",
    "AgentBrief",
    "AgentCall",
    "AgentCalls",
    "AgentInfo",
    "AgentRestDetail",
    "AgentRestInfo",
    "AgentState",
    "AgentStateKind",
    "AgentStatusInfo",
    "AsyncCEC",
    "CallInfo",
    "CtiState",
    "IndicatorValue",
    "Indicators",
    "LegacySystemState",
    "QueueLine",
    "SkillServiceQuality",
    "SkillStateInfo",
    "SkillStatus",
    "SystemState",
    "TeamAgentStatus",
    "VdnBoard",
    "WorkNoStatus",
]
