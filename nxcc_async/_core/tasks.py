"""Running awaitables side by side so that none outlives the call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def gather_or_cancel(*awaitables: Awaitable[T]) -> list[T]:
    """The results of ``awaitables`` run concurrently, in order. Unlike ``asyncio.gather``,
    the first failure cancels the others and waits for them before it is raised, so no request
    of a failed batch is still running afterwards (a watch's next poll never overlaps it)."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    if not tasks:
        return []
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task in done and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return [task.result() for task in tasks]
    finally:
        pending = [task for task in tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for task in tasks:  # failures beside the one raised: retrieved, never logged at exit
            if task.done() and not task.cancelled():
                task.exception()
