"""Receive NXCC's CDR pushes: verify them (signed or token), parse them, acknowledge them.

    from nxcc_async.webhooks import verify_webhook, parse_webhook, webhook_app, WebhookError

``verify_webhook`` and ``parse_webhook`` are pure and work behind any web framework (over the
raw body bytes); ``webhook_app`` is a ready aiohttp application. See ``docs/webhooks.md``.
"""

from __future__ import annotations

from nxcc_async.webhooks.app import STATS, webhook_app
from nxcc_async.webhooks.errors import WebhookAuthError, WebhookBodyError, WebhookError
from nxcc_async.webhooks.parse import parse_webhook
from nxcc_async.webhooks.store import PushStore
from nxcc_async.webhooks.verify import CALLBACK_ACTION, verify_webhook

__all__ = [
    "CALLBACK_ACTION",
    "STATS",
    "PushStore",
    "WebhookAuthError",
    "WebhookBodyError",
    "WebhookError",
    "parse_webhook",
    "verify_webhook",
    "webhook_app",
]
