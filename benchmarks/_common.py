"""Shared pieces of the benchmarks: results, timing, the emulator in a child process, RSS."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import attrs
import orjson

from nxcc_async import NXCC, AsyncNXCC

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY, ACCESS_SECRET, TENANT_ID, SEED = "ak", "sk", 144, 7

#: A Monday, 2024-03-04T00:00:00Z: every benchmark period starts here.
MONDAY = 1_709_510_400


@attrs.define
class Check:
    """One target: what it asks, what was measured, whether it is met."""

    name: str
    target: str
    measured: str
    ok: bool


@attrs.define
class BenchResult:
    """What one benchmark reports: figures (label, value), targets, notes, its wall time."""

    name: str
    title: str
    figures: list[tuple[str, str]] = attrs.field(factory=list)
    checks: list[Check] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    tables: list[tuple[str, list[str]]] = attrs.field(factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every target is met."""
        return all(c.ok for c in self.checks)

    def figure(self, label: str, value: str) -> None:
        """Record (and print) one figure."""
        self.figures.append((label, value))
        print(f"  {label}: {value}", flush=True)

    def check(self, name: str, target: str, measured: str, ok: bool) -> None:
        """Record (and print) one target and whether it is met."""
        self.checks.append(Check(name, target, measured, ok))
        print(f"  [{'MET' if ok else 'MISSED'}] {name}: {measured} (target {target})", flush=True)

    def note(self, text: str) -> None:
        """Record (and print) an observation."""
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


def async_client(base_url: str, **kwargs: Any) -> AsyncNXCC:
    """An ``AsyncNXCC`` for the emulator's demo tenant."""
    return AsyncNXCC(
        access_key=ACCESS_KEY,
        access_secret=ACCESS_SECRET,
        base_url=base_url,
        tenant_id=TENANT_ID,
        **kwargs,
    )


def sync_client(base_url: str, **kwargs: Any) -> NXCC:
    """An ``NXCC`` for the emulator's demo tenant."""
    return NXCC(
        access_key=ACCESS_KEY,
        access_secret=ACCESS_SECRET,
        base_url=base_url,
        tenant_id=TENANT_ID,
        **kwargs,
    )


class Stopwatch:
    """Wall time and this process's CPU time of a block (``with Stopwatch() as sw``)."""

    wall = 0.0
    cpu = 0.0

    def __enter__(self) -> Stopwatch:
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = time.process_time() - self._cpu0


class EmulatorProcess:
    """The emulator in a child process (``benchmarks._emuproc``), its counters over a pipe.

    A child has its own interpreter, GIL and core: the server's CPU work neither slows the
    client down nor counts in this process's CPU time or RSS.
    """

    def __init__(
        self,
        *,
        cdrs_per_day: int,
        latency: float = 0.0,
        rate_limit: int | None = None,
        cache_records: int = 50_000,
        profile: str = "office",
    ) -> None:
        self.args = [
            "--profile",
            profile,
            "--cdrs-per-day",
            str(cdrs_per_day),
            "--latency",
            str(latency),
            "--cache-records",
            str(cache_records),
        ]
        if rate_limit is not None:
            self.args += ["--rate-limit", str(rate_limit)]
        self._proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._emuproc", *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        self.base_url = str(self._read()["url"])
        return self

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise RuntimeError("the emulator process is not running")
        return proc.stdin, proc.stdout

    def _read(self) -> dict[str, Any]:
        line = self._pipes()[1].readline()
        if not line:
            raise RuntimeError("the emulator process ended unexpectedly")
        result: dict[str, Any] = orjson.loads(line)
        return result

    def command(self, name: str) -> dict[str, Any]:
        """Send ``stats``, ``reset`` or ``quit``; its JSON answer."""
        stdin = self._pipes()[0]
        stdin.write(name.encode() + b"\n")
        stdin.flush()
        return self._read()

    def stats(self) -> dict[str, Any]:
        """``total``, ``peak_in_flight``, ``max_in_window`` (1 s), ``by_status``..."""
        return self.command("stats")

    def reset(self) -> None:
        """Zero the counters; the child also collects and freezes its heap (right before a
        measured run: see ``benchmarks._emuproc``)."""
        self.command("reset")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the child has used so far."""
        if self._proc is None:
            raise RuntimeError("the emulator process is not running")
        with open(f"/proc/{self._proc.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()  # end of stdin stops the child
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()


def rss_kib() -> int:
    """This process's resident set size (``VmRSS``), KiB."""
    return _status_kib("VmRSS")


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak_rss() -> bool:
    """Reset the kernel's peak RSS (``VmHWM``) of this process; False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss_kib() -> int:
    """The kernel's peak RSS (``VmHWM``) of this process, KiB."""
    return _status_kib("VmHWM")


class RssSampler:
    """Samples ``VmRSS`` every ``interval`` seconds in a daemon thread; ``peak`` is the max."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_kib())
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib())


def fmt_s(seconds: float) -> str:
    """Seconds with a sensible precision."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mib(kib: int) -> str:
    """KiB as MiB."""
    return f"{kib / 1024:.1f} MiB"
