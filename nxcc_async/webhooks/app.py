"""``webhook_app``: an aiohttp application that receives CDR pushes and acknowledges them only
once they are handled.

The platform treats HTTP 200 as delivered and anything else as failed (and, we assume, retries):
so 200 is sent only after ``on_cdr`` returned; 401 for a push that is not authentic or not fresh,
400 for a body that is not a CDR, 413 for one over :data:`MAX_BODY`, 500 when ``on_cdr``
raised. The same ``callId`` may arrive more than once (retries, duplicates): ``on_cdr`` sees
every copy, storage de-duplicates (the sync stores upsert by ``call_id``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from nxcc_async._core.log import log as _root_log
from nxcc_async._core.secret import Secret
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.webhooks.errors import WebhookError
from nxcc_async.webhooks.parse import parse_webhook
from nxcc_async.webhooks.verify import DEFAULT_TOLERANCE, check_config

log = _root_log.getChild("webhooks")

OnCdr = Callable[[CallRecord], Awaitable[object]]

#: Largest body read, in bytes (aiohttp's default; a CDR is about a kilobyte): a larger push is
#: refused with 413.
MAX_BODY = 1024**2

#: The app's counters: ``app[STATS]`` (received, stored, refused, failed).
STATS: web.AppKey[dict[str, int]] = web.AppKey("nxcc_webhook_stats", dict)


def webhook_app(
    on_cdr: OnCdr,
    *,
    access_key: str | None = None,
    access_secret: str | Secret | None = None,
    token: str | Secret | None = None,
    path: str = "/nxcc/cdr",
    tolerance: float = DEFAULT_TOLERANCE,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """An ``aiohttp.web.Application`` serving ``POST path``: each push is verified (see
    :func:`~nxcc_async.webhooks.verify_webhook`), parsed (:func:`~nxcc_async.webhooks.
    parse_webhook`) and handed to ``await on_cdr(record)``; the answer is 200 only once
    ``on_cdr`` returned, 401 when not authentic or stale, 400 when the body is not a CDR, 500
    when ``on_cdr`` raised. Bad settings raise ``ValueError``/``TypeError`` here."""
    if not callable(on_cdr):
        raise TypeError("on_cdr must be an async callable taking a CallRecord")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path must start with '/', not {path!r}")
    verifier = check_config(
        access_key=access_key, access_secret=access_secret, token=token, tolerance=tolerance
    )
    stats = {"received": 0, "stored": 0, "refused": 0, "failed": 0}

    async def receive(request: web.Request) -> web.Response:
        stats["received"] += 1
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            stats["refused"] += 1
            log.warning("CDR push from %s refused (413): over %d bytes", request.remote, MAX_BODY)
            return web.json_response(
                {"error": f"the body is over {MAX_BODY} bytes, not one CDR"}, status=413
            )
        try:
            verifier.verify(request.headers, body, now=clock())
            record = parse_webhook(body)
        except WebhookError as exc:
            stats["refused"] += 1
            log.warning("CDR push from %s refused (%d): %s", request.remote, exc.status, exc)
            return web.json_response({"error": str(exc)}, status=exc.status)
        try:
            await on_cdr(record)
        except Exception as exc:
            stats["failed"] += 1
            log.error(
                "CDR push %s not acknowledged: on_cdr raised %s: %s",
                record.call_id,
                type(exc).__name__,
                exc,
            )
            return web.json_response({"error": "the CDR was not stored"}, status=500)
        stats["stored"] += 1
        return web.json_response({"ok": True, "callId": record.call_id})

    app = web.Application(client_max_size=MAX_BODY)
    app[STATS] = stats
    app.router.add_post(path, receive)
    return app
