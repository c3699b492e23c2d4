"""nxcc_async: asyncio client (with a blocking mirror) for the NXLink NXCC call-center OpenAPI
and Huawei CEC monitoring, with a local emulator of both."""

from nxcc_async._core.converter import dump, load
from nxcc_async._core.errors import (
    APIError,
    AuthError,
    BadRequestError,
    CECTimestampError,
    ConnectError,
    HarvestError,
    MalformedReplyError,
    MissingHeaderError,
    NotFoundError,
    NXCCError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
    SignatureError,
    TimestampError,
    TransientError,
    TransportError,
    ValidationError,
)
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.page import Page
from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.watch import Snapshot
from nxcc_async._version import __version__ as __version__
from nxcc_async.client.blocking import NXCC
from nxcc_async.client.client import AsyncNXCC
from nxcc_async.nxcc.config import Region
from nxcc_async.nxcc.enums import (
    AgentAccountStatus,
    AnsweredFilter,
    CallDirection,
    DispatchType,
    HangupParty,
    NumberType,
    RingPolicy,
    StartupType,
)
from nxcc_async.nxcc.hangup import HangupCode
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

__all__ = [
    "NXCC",
    "APIError",
    "Agent",
    "AgentAccountStatus",
    "AgentEfficiency",
    "AgentGroup",
    "AgentStatus",
    "AnsweredFilter",
    "AsyncNXCC",
    "AttemptEvent",
    "AuthError",
    "BadRequestError",
    "CECTimestampError",
    "CallDirection",
    "CallRecord",
    "CallerNumber",
    "ConnectError",
    "DialTarget",
    "DispatchType",
    "HangupCode",
    "HangupParty",
    "HarvestError",
    "MalformedReplyError",
    "MissingHeaderError",
    "NXCCError",
    "NotFoundError",
    "NumberType",
    "Page",
    "PermissionDeniedError",
    "QueueMember",
    "RateLimitError",
    "Region",
    "RequestTimeoutError",
    "ResponseFormatError",
    "RetryPolicy",
    "RingPolicy",
    "ServerError",
    "SignatureError",
    "Snapshot",
    "StartupType",
    "TimestampError",
    "TransientError",
    "TransportError",
    "ValidationError",
    "dump",
    "load",
]
