"""Harvest progress on stderr: a rich progress bar on a terminal, plain log lines elsewhere.

The bar shows the share of the period done, windows, rows, rows/s and the ETA; the log lines
carry the same numbers, at most one every :data:`LOG_EVERY` seconds.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from nxcc_async.harvest.harvester import HarvestProgress, ProgressCallback

MODES = ("auto", "bar", "log", "off")
LOG_EVERY = 5.0


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class Pace:
    """Rows/s and ETA of *this* run: a resumed harvest's counters include the earlier runs,
    so the pace is measured from the first report this process saw."""

    def __init__(self) -> None:
        self._first: tuple[float, int, float] | None = None

    def __call__(self, p: HarvestProgress) -> tuple[float, float | None]:
        """``(rows per second, seconds left)`` after report ``p``."""
        if self._first is None:
            self._first = (p.elapsed, p.rows, p.fraction)
            return p.rows_per_second, p.eta
        t0, rows0, f0 = self._first
        spent, done = p.elapsed - t0, p.fraction - f0
        if spent <= 0 or done <= 0:
            return p.rows_per_second, p.eta
        return (p.rows - rows0) / spent, spent * (1 - p.fraction) / done


def describe(p: HarvestProgress, rate: float, eta: float | None) -> str:
    """One line: ``42% | windows 30 | rows 2,100 | 3,500 rows/s | ETA 0:00:12``."""
    return (
        f"{p.fraction:4.0%} | windows {p.windows:,} | rows {p.rows:,} | "
        f"{rate:,.0f} rows/s | ETA {_eta(eta)}"
    )


@contextlib.contextmanager
def _bar(stream: TextIO) -> Iterator[ProgressCallback]:
    columns = (
        TextColumn("[bold]CDRs"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("windows {task.fields[windows]:,}"),
        TextColumn("rows {task.fields[rows]:,}"),
        TextColumn("{task.fields[rate]:,.0f} rows/s"),
        TextColumn("ETA {task.fields[eta]}"),
    )
    with Progress(*columns, console=Console(file=stream), transient=False) as bar:
        task = bar.add_task("export", total=1.0, windows=0, rows=0, rate=0.0, eta=_eta(None))
        pace = Pace()

        def update(p: HarvestProgress) -> None:
            rate, eta = pace(p)
            bar.update(
                task,
                completed=p.fraction,
                windows=p.windows,
                rows=p.rows,
                rate=rate,
                eta=_eta(eta),
            )

        yield update


@contextlib.contextmanager
def _log(stream: TextIO, every: float) -> Iterator[ProgressCallback]:
    last = time.monotonic()
    pace = Pace()

    def update(p: HarvestProgress) -> None:
        nonlocal last
        rate, eta = pace(p)
        now = time.monotonic()
        if now - last >= every:
            last = now
            print(f"nxcc: progress {describe(p, rate, eta)}", file=stream, flush=True)

    yield update


@contextlib.contextmanager
def reporter(
    mode: str = "auto", stream: TextIO | None = None, *, every: float = LOG_EVERY
) -> Iterator[ProgressCallback | None]:
    """A progress callback for ``export(on_progress=...)`` (``None`` for mode ``off``).

    ``auto`` is a bar when ``stream`` (default stderr) is a terminal, log lines otherwise.
    """
    out = sys.stderr if stream is None else stream
    if mode == "auto":
        mode = "bar" if out.isatty() else "log"
    if mode == "off":
        yield None
    elif mode == "bar":
        with _bar(out) as callback:
            yield callback
    elif mode == "log":
        with _log(out, every) as callback:
            yield callback
    else:
        raise ValueError(f"unknown progress mode {mode!r}; choose one of {', '.join(MODES)}")
