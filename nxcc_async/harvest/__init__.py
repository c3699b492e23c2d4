"""Bulk, resumable CDR harvesting: export sinks and checkpoints."""

from nxcc_async.harvest.checkpoint import CheckpointError, CheckpointFile, CheckpointMismatch
from nxcc_async.harvest.sinks import FORMATS, Sink, SinkPosition, open_sink

__all__ = [
    "FORMATS",
    "CheckpointError",
    "CheckpointFile",
    "CheckpointMismatch",
    "Sink",
    "SinkPosition",
    "open_sink",
]
