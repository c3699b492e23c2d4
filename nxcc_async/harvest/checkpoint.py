"""Crash-safe checkpoint file of a harvest: a small JSON document replaced atomically.

On disk: ``{"version": 1, "saved_at": "<ISO UTC>", "state": {...}}``. The harvester puts a
``fingerprint`` of its arguments in ``state``; :meth:`CheckpointFile.load` compares it so a
checkpoint is never applied to a different run. Keys that look like credentials are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from nxcc_async.harvest.sinks.base import fsync_dir

VERSION = 1
_SECRET_WORDS = ("secret", "password", "token", "authorization", "signature", "credential")


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used."""


class CheckpointCorrupt(CheckpointError):
    """The checkpoint file is unreadable, not ours, or of an unsupported version."""


class CheckpointMismatch(CheckpointError):
    """The checkpoint was written by a run with different arguments."""


class CheckpointInUse(CheckpointError):
    """Another run holds the checkpoint right now."""


def _check_no_secrets(value: Any, where: str = "state") -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if any(word in str(key).lower() for word in _SECRET_WORDS):
                raise ValueError(f"refusing to save {where}[{key!r}]: checkpoints hold no secrets")
            _check_no_secrets(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_no_secrets(item, f"{where}[{i}]")


class CheckpointFile:
    """A checkpoint at ``path``: :meth:`load` the last state, :meth:`save` a new one atomically."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise CheckpointError(
                f"checkpoint {str(self.path)!r} is a directory; give a file path such as "
                f"{str(self.path / 'run.ckpt')!r}"
            )

    def __repr__(self) -> str:
        return f"CheckpointFile({str(self.path)!r})"

    def load(self, expect_fingerprint: str | None = None) -> dict[str, Any] | None:
        """The saved state, or ``None`` when there is no checkpoint yet.

        Raises :class:`CheckpointCorrupt` for an unreadable file and :class:`CheckpointMismatch`
        when ``expect_fingerprint`` differs from the saved state's ``fingerprint``.
        """
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CheckpointCorrupt(
                f"checkpoint {str(self.path)!r} is not valid JSON ({exc}); delete it to start over"
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("state"), dict):
            raise CheckpointCorrupt(
                f"{str(self.path)!r} is not an nxcc_async checkpoint; delete it or choose "
                "another checkpoint path"
            )
        if doc.get("version") != VERSION:
            raise CheckpointCorrupt(
                f"checkpoint {str(self.path)!r} has version {doc.get('version')!r}; this "
                f"nxcc_async reads version {VERSION}; delete it to start over"
            )
        state: dict[str, Any] = doc["state"]
        if expect_fingerprint is not None and state.get("fingerprint") != expect_fingerprint:
            raise CheckpointMismatch(
                f"checkpoint {str(self.path)!r} belongs to a run with different arguments "
                f"(fingerprint {state.get('fingerprint')!r}, this run {expect_fingerprint!r}); "
                "rerun with the same arguments to resume it, or delete it to start over"
            )
        return state

    def save(self, state: Mapping[str, Any]) -> None:
        """Replace the checkpoint with ``state`` atomically (old or new, never a torn file)."""
        _check_no_secrets(state)
        saved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        data = orjson.dumps(
            {"version": VERSION, "saved_at": saved_at, "state": dict(state)},
            option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE,
        )
        directory = self.path.parent.resolve()
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        fsync_dir(directory)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold ``<path>.lock`` for one run: a second run on the same checkpoint is refused
        with :class:`CheckpointInUse` instead of interleaving with the first. (POSIX
        ``flock``; elsewhere no lock is taken.)

        The lock file is removed when the run ends, while still locked. A run that opened the
        old file meanwhile finds, once it holds the lock, that the path no longer names that
        file, and starts over on the current one: two runs never hold "the" lock at once."""
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        if not lock_path.parent.is_dir():
            raise FileNotFoundError(
                f"cannot create checkpoint {str(self.path)!r}: the directory "
                f"{str(lock_path.parent)!r} does not exist"
            )
        while True:
            handle = open(lock_path, "a+b")  # noqa: SIM115 - closed below on every path
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise CheckpointInUse(
                    f"checkpoint {str(self.path)!r} is in use by another run; wait for it to "
                    "finish or stop it before resuming"
                ) from None
            if _same_file(handle.fileno(), lock_path):
                break
            handle.close()  # removed by the run that held it: lock the current file instead
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock_path.unlink()
            handle.close()  # closing releases the flock

    def delete(self) -> None:
        """Remove the checkpoint (after a completed run)."""
        self.path.unlink(missing_ok=True)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the open file ``fd``."""
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
