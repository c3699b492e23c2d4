"""Export sinks for harvested CDRs: JSON Lines, CSV, SQLite and Parquet. See :func:`open_sink`."""

from nxcc_async.harvest.sinks.base import FORMATS, Sink, SinkPosition, format_for, open_sink

__all__ = ["FORMATS", "Sink", "SinkPosition", "format_for", "open_sink"]
