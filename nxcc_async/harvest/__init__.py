"""Bulk, resumable CDR harvesting: export sinks and checkpoints."""

from nxcc_async.harvest.checkpoint import (
    CheckpointError,
    CheckpointFile,
    CheckpointInUse,
    CheckpointMismatch,
)
from nxcc_async.harvest.sinks import FORMATS, Sink, SinkPosition, open_sink

__all__ = [
    "FORMATS",
    "CheckpointError",
    "CheckpointFile",
    "CheckpointInUse",
    "CheckpointMismatch",
    "Sink",
    "SinkPosition",
    "open_sink",
]
