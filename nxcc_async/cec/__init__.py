"""Huawei CEC (CC-CMS) monitoring: ``AsyncCEC``, its blocking mirror ``CEC``, and the records."""

from nxcc_async.cec.blocking import CEC
from nxcc_async.cec.client import AsyncCEC
from nxcc_async.cec.records import (
    AgentBrief,
    AgentCall,
    AgentCalls,
    AgentRestDetail,
    AgentRestInfo,
    AgentStatusInfo,
    LegacySystemState,
    SystemState,
    TeamAgentStatus,
)
from nxcc_async.cec.states import AgentStateKind

__all__ = [
    "CEC",
    "AgentBrief",
    "AgentCall",
    "AgentCalls",
    "AgentRestDetail",
    "AgentRestInfo",
    "AgentStateKind",
    "AgentStatusInfo",
    "AsyncCEC",
    "LegacySystemState",
    "SystemState",
    "TeamAgentStatus",
]
