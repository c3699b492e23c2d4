"""In-process servers by (event loop, host, port).

An in-process server (the emulator) registers the loop it serves on; a blocking client asks, before
each call, whether the server it talks to is served by the event loop running in the calling
thread. Blocking that thread would stop the server, and the call would wait out its whole time
budget: the client says so at once instead (see :class:`~nxcc_async._core.portal.Portal`).
"""

from __future__ import annotations

import asyncio
import threading
import weakref

import yarl

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", "::", ""})
_lock = threading.Lock()
_serving: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[tuple[str, int]]] = (
    weakref.WeakKeyDictionary()
)


def _host(host: str) -> str:
    host = host.strip("[]").lower()
    return "127.0.0.1" if host in _LOOPBACK else host


def register(loop: asyncio.AbstractEventLoop, host: str, port: int) -> None:
    """Record that ``loop`` serves ``host:port``."""
    with _lock:
        _serving.setdefault(loop, set()).add((_host(host), port))


def unregister(loop: asyncio.AbstractEventLoop, host: str, port: int) -> None:
    """Forget ``host:port`` of ``loop`` (no error if it was not recorded)."""
    with _lock:
        addresses = _serving.get(loop)
        if addresses is not None:
            addresses.discard((_host(host), port))
            if not addresses:
                del _serving[loop]


def served_by_this_thread(url: str) -> bool:
    """Whether the event loop running in the calling thread serves ``url``'s host and port."""
    if not _serving:
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    parsed = yarl.URL(url)
    if parsed.host is None or parsed.port is None:
        return False
    with _lock:
        return (_host(parsed.host), parsed.port) in _serving.get(loop, ())
