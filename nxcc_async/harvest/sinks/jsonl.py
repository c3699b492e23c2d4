"""JSON Lines sink: one vendor-shape JSON object per line (UTF-8, ``\\n``).

Each line is ``nxcc_async._core.converter.dump(record)`` — camelCase keys, epoch-ms times (0 for
none), unknown fields put back — so ``load(CallRecord, json.loads(line))`` gives an equal record.
Position: ``{"format": "jsonl", "offset": <bytes>, "rows": <records>}``.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from nxcc_async._core.converter import converter
from nxcc_async.harvest.sinks._append import AppendFileSink
from nxcc_async.nxcc.records import CallRecord

_NEWLINE = orjson.OPT_APPEND_NEWLINE


class JsonlSink(AppendFileSink):
    """Append-only JSON Lines file; resume truncates to the checkpointed byte offset."""

    format = "jsonl"

    def _encode(self, records: Sequence[CallRecord]) -> bytes:
        dump = converter.get_unstructure_hook(CallRecord)
        dumps = orjson.dumps
        return b"".join([dumps(dump(r), option=_NEWLINE) for r in records])
