"""The machinery of the blocking facade: one anyio blocking portal (an event loop in a daemon
thread) per sync client, and the two ways of crossing it: ``call`` and ``iterate``.

- Works from any thread, including one that already runs an event loop (Jupyter, an asyncio app
  calling a sync library): the async work always runs on the portal's own loop.
- A call from the portal's own thread would deadlock: it raises a clear ``RuntimeError``.
- So would a call from a thread whose running loop serves the server the client talks to (an
  emulator started with ``await emu.start()`` in a notebook): it raises at once, saying why.
- Ctrl-C during a blocking call cancels the task on the portal and re-raises in the caller.
- Iterators cross once per batch (a page, a harvest window), not once per item; closing or
  abandoning them closes the async stream on the portal's loop.
- ``weakref.finalize`` closes a client that was never closed, at garbage collection or at
  interpreter exit, quietly. It watches a lifetime token that the client, its resources and
  their iterators all hold (:class:`Lease`), so ``NXCC(...).agents.list()`` or an iterator
  returned from a function keeps its client open while it is in use.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Generic, ParamSpec, TypeVar, cast

import anyio.from_thread

from nxcc_async._core.pagination import ItemStream
from nxcc_async._core.servers import served_by_this_thread

T = TypeVar("T")
P = ParamSpec("P")

#: Seconds a Ctrl-C waits for the cancelled work on the portal to end before it is re-raised.
UNWIND_WAIT = 2.0


class Portal:
    """An event loop in a daemon thread that runs a sync client's async work."""

    def __init__(self, *, name: str = "nxcc-async-portal", target: str | None = None) -> None:
        """Start the loop's thread; ``target`` is the base URL of the server the work talks to."""
        self._target = target
        self._manager: AbstractContextManager[anyio.from_thread.BlockingPortal] = (
            anyio.from_thread.start_blocking_portal(backend="asyncio", name=name)
        )
        self._portal = self._manager.__enter__()
        self._thread_id = self._portal.call(threading.get_ident)
        self._loop = self._portal.call(_running_loop)
        self._lock = threading.Lock()
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once stopped."""
        return self._closed

    def on_own_thread(self) -> bool:
        """True when called from the portal's own event-loop thread (where blocking on the
        portal would deadlock)."""
        return threading.get_ident() == self._thread_id

    def _check(self) -> None:
        if self._closed:
            raise RuntimeError("this client is closed; create a new one")
        if self.on_own_thread():
            raise RuntimeError(
                "a blocking nxcc_async client was called from its own event-loop thread (for "
                "example from async code running on its portal); use the async client there"
            )
        if self._target is not None and served_by_this_thread(self._target):
            raise RuntimeError(
                f"this blocking client talks to {self._target}, which is served by the event "
                "loop running in this thread (an Emulator started with 'await emu.start()' or "
                "'async with Emulator(...)'); a blocking call would stop that loop and wait for "
                "ever. Use the async client here (async with AsyncNXCC(...) / AsyncCEC(...)), "
                "or run the emulator in its own thread: Emulator.start_in_thread(...) or "
                "'with Emulator.in_thread(...)'"
            )

    def call(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on the portal's loop and wait for its result."""
        self._check()
        crossing = _Crossing(fn(*args, **kwargs))
        self._loop.call_soon_threadsafe(crossing.start)
        try:
            crossing.done.acquire()
        except KeyboardInterrupt:
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                self._loop.call_soon_threadsafe(crossing.cancel)
            # let the cancelled work unwind before the caller goes on: a blocking loop's
            # iterator closes its stream next, which must not find it still running
            crossing.done.acquire(timeout=UNWIND_WAIT)
            raise
        try:
            return crossing.outcome()
        except concurrent.futures.CancelledError:
            if self._closed:  # close() from another thread stopped the loop under this call
                raise RuntimeError("the client was closed while this call was running") from None
            raise

    def iterate(self, stream: ItemStream[T], *, keep: object = None) -> Iterator[T]:
        """A blocking iterator over an item stream, crossing the portal once per batch; it holds
        ``keep`` (a client's lifetime token) until it ends."""
        self._check()
        return self._iterate(stream.batches(), keep)

    def _iterate(self, batches: AsyncGenerator[Iterable[T], None], keep: object) -> Iterator[T]:
        # `keep` is only held: this generator's frame keeps it alive until the iterator ends
        exhausted = False
        try:
            while True:
                exhausted, batch = self.call(_next_batch, batches)
                if exhausted:
                    return
                yield from batch
        finally:
            if not exhausted and not self._closed and not self.on_own_thread():
                self.call(batches.aclose)

    def close(self, cleanup: Callable[[], Awaitable[None]] | None = None) -> None:
        """Run ``cleanup`` on the loop (if given), then stop the loop and its thread."""
        with self._lock:
            if self._closed:
                return
            try:
                if cleanup is not None:
                    self.call(cleanup)
            finally:
                self._closed = True
                self._manager.__exit__(None, None, None)


class _Crossing(Generic[T]):
    """One call across the portal: a task on the loop that releases ``done`` when over.

    Cheaper than ``run_coroutine_threadsafe`` (a task, a chained future, a condition): the task
    hands its outcome over itself, in its last step, and a bare lock wakes the caller.
    """

    __slots__ = ("_awaitable", "_error", "_result", "_started", "_task", "done")

    def __init__(self, awaitable: Awaitable[T]) -> None:
        self._awaitable = awaitable
        self._started = False
        self._task: asyncio.Task[None] | None = None
        self._result: T | None = None
        self._error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()

    def start(self) -> None:
        """On the loop: start the task."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    def cancel(self) -> None:
        """On the loop: cancel the task (Ctrl-C in the caller)."""
        task = self._task
        if task is None or task.done():
            return
        task.cancel()
        if not self._started:  # cancelled before its first step: the work never began
            close = getattr(self._awaitable, "close", None)
            if close is not None:
                close()  # a coroutine never awaited, closed without a warning
            self._error = concurrent.futures.CancelledError()
            self.done.release()

    async def _run(self) -> None:
        self._started = True
        try:
            self._result = await self._awaitable
        except asyncio.CancelledError:
            self._error = concurrent.futures.CancelledError()  # as a cancelled future says
        except BaseException as exc:  # every outcome goes to the caller
            self._error = exc
        finally:
            self.done.release()

    def outcome(self) -> T:
        """In the caller, once ``done`` is released: the result, or the error raised."""
        error, self._error = self._error, None
        if error is not None:
            raise error
        return cast(T, self._result)


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


async def _next_batch(batches: AsyncGenerator[Iterable[T], None]) -> tuple[bool, Iterable[T]]:
    """``(exhausted, batch)``: the next batch, or ``(True, ())`` at the end."""
    try:
        return False, await batches.__anext__()
    except StopAsyncIteration:
        return True, ()


class Lifetime:
    """The token whose collection closes a blocking client's portal: the client, each of its
    resources and each iterator they hand out hold it (a client nobody names any more stays
    open while a resource or an iterator made from it is in use)."""

    __slots__ = ("__weakref__",)


class Lease:
    """A blocking client's portal as its methods and resources use it: calls go through, and
    iterators also hold the client's :class:`Lifetime` until they end."""

    __slots__ = ("_keep", "_portal")

    def __init__(self, portal: Portal, keep: Lifetime) -> None:
        self._portal = portal
        self._keep = keep

    def call(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """:meth:`Portal.call`."""
        return self._portal.call(fn, *args, **kwargs)

    def iterate(self, stream: ItemStream[T]) -> Iterator[T]:
        """:meth:`Portal.iterate`, holding the client's lifetime token."""
        return self._portal.iterate(stream, keep=self._keep)


def bind_lifetime(
    owner: Lifetime, portal: Portal, cleanup: Callable[[], Awaitable[None]]
) -> weakref.finalize[Any, Any]:
    """Close ``portal`` (running ``cleanup`` first) when ``owner`` is collected or at exit.

    Calling the returned finalizer closes at once (and only once): use it as ``close()``."""
    return weakref.finalize(owner, _quiet_close, portal, cleanup)


def _quiet_close(portal: Portal, cleanup: Callable[[], Awaitable[None]]) -> None:
    if portal.on_own_thread():
        # collected on the portal's own thread: it cannot stop itself, let another thread do it
        threading.Thread(target=_quiet_close, args=(portal, cleanup), daemon=True).start()
        return
    with contextlib.suppress(Exception):  # a backstop at exit must never raise
        portal.close(cleanup)


class SyncResource:
    """Base of the blocking resources: holds the client's portal (a :class:`Lease`, which keeps
    the client open while the resource is in use) and the async resource they mirror."""

    def __init__(self, portal: Lease, target: Any) -> None:
        self._portal = portal
        self._async = target

    def __repr__(self) -> str:
        return f"<blocking {self._async!r}>"
