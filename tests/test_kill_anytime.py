"""Stopped at any moment, a run resumes with nothing lost and nothing twice.

``nxcc cdrs export`` is killed with SIGKILL at random moments of its life, the first 100 ms of
its output included, for every sink, then finished; its rows must be exactly a clean run's. A
``cdrs.harvest`` stream abandoned mid-way re-delivers only the batch its consumer held.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import pytest

from nxcc_async import AsyncNXCC
from nxcc_async.emulator import Emulator
from nxcc_async.harvest import FORMATS, CheckpointFile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX kill"),
]

AK, SK, TENANT = "kill-ak", "kill-secret-value", 144
START = 1_735_689_600  # 2025-01-01 UTC
END = START + 3 * 86_400
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "sqlite": ".sqlite", "parquet": ".parquet"}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=5) as e:
        e.latency = 0.01
        yield e


def ids_in(out: Path, fmt: str) -> list[str]:
    """Every call id in an export, in file order."""
    if fmt == "jsonl":
        return [json.loads(line)["callId"] for line in out.read_text().splitlines()]
    if fmt == "csv":
        with out.open(newline="") as f:
            return [row["callId"] for row in csv.DictReader(f)]
    if fmt == "sqlite":
        with sqlite3.connect(out) as db:
            return [row[0] for row in db.execute("SELECT call_id FROM cdrs ORDER BY rowid")]
    import pyarrow.parquet as pq

    return [str(v) for v in pq.read_table(out).column("call_id").to_pylist()]


def export_command(emu: Emulator, out: Path, ckpt: Path) -> list[str]:
    return [
        sys.executable, "-m", "nxcc_async", "cdrs", "export",
        "--base-url", emu.base_url, "--tenant-id", str(TENANT), "--max-concurrency", "4",
        "--start", str(START), "--end", str(END),
        "--out", str(out), "--checkpoint", str(ckpt), "--progress", "off",
    ]  # fmt: skip


def run_and_kill(command: list[str], out: Path, delay: float) -> bool:
    """Start the export, SIGKILL it ``delay`` s after its output appeared; False if it ended
    on its own first."""
    env = {**os.environ, "NXCC_ACCESS_KEY": AK, "NXCC_ACCESS_SECRET": SK}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not out.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(delay)
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
            return False
        os.kill(proc.pid, signal.SIGKILL)
        return True
    finally:
        proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def clean_ids(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("clean") / "clean.jsonl"
    env = {**os.environ, "NXCC_ACCESS_KEY": AK, "NXCC_ACCESS_SECRET": SK}
    command = export_command(emu, out, out.with_suffix(".ckpt"))
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)
    ids = ids_in(out, "jsonl")
    assert len(ids) == len(set(ids)) > 1000
    return ids


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_killed_at_any_moment_resumes_exactly(
    emu: Emulator, clean_ids: list[str], tmp_path: Path, fmt: str
) -> None:
    out, ckpt = tmp_path / f"cdrs{SUFFIX[fmt]}", tmp_path / "run.ckpt"
    rng = random.Random(fmt)
    delays = [0.0, 0.01, rng.uniform(0.0, 0.1), rng.uniform(0.1, 0.6), rng.uniform(0.3, 1.2)]
    kills = sum(run_and_kill(export_command(emu, out, ckpt), out, d) for d in delays)
    assert kills >= 3  # the export was really stopped, several times
    env = {**os.environ, "NXCC_ACCESS_KEY": AK, "NXCC_ACCESS_SECRET": SK}
    done = subprocess.run(  # noqa: PLW1510 - the exit code is asserted with stderr
        export_command(emu, out, ckpt), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    ids = ids_in(out, fmt)
    assert sorted(ids) == sorted(clean_ids)  # nothing lost, nothing twice
    state = CheckpointFile(ckpt).load()
    assert state is not None
    assert state["done"]
    assert state["rows"] == len(clean_ids)


async def test_an_abandoned_harvest_redelivers_only_the_batch_held(
    emu: Emulator, tmp_path: Path
) -> None:
    ckpt = tmp_path / "stream.ckpt"
    async with AsyncNXCC(
        access_key=AK, access_secret=SK, base_url=emu.base_url, tenant_id=TENANT
    ) as client:
        first: list[list[str]] = []
        async with aclosing(client.cdrs.harvest(START, END, checkpoint=ckpt)) as stream:
            batches = stream.batches()
            for _ in range(5):
                first.append([r.call_id for r in await anext(batches)])
        # the consumer "dies" holding batch 5: nothing saved after batch 4 was taken
        second = [r.call_id async for r in client.cdrs.harvest(START, END, checkpoint=ckpt)]
    taken = [i for batch in first for i in batch]
    assert set(taken) & set(second) == set(first[-1])
    assert len(set(taken) | set(second)) == len(taken) + len(second) - len(first[-1])


def test_sigterm_stops_an_export_as_ctrl_c_does(
    emu: Emulator, clean_ids: list[str], tmp_path: Path
) -> None:
    """SIGTERM (systemd, docker, ``timeout``) killed an export on the spot: no message, no
    final save, the checkpoint's lock left behind. It now stops it as Ctrl-C does (exit 143)."""
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    env = {**os.environ, "NXCC_ACCESS_KEY": AK, "NXCC_ACCESS_SECRET": SK}
    slow = export_command(emu, out, ckpt)
    slow[slow.index("--max-concurrency") + 1] = "1"  # ~1 s of pages: stopped well inside it
    proc = subprocess.Popen(
        slow, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.15)
    assert proc.poll() is None, "the export ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 143, stderr
    assert stderr.strip().splitlines()[-1] == (
        "nxcc: error: terminated; rerun with the same --checkpoint to resume"
    )
    assert stdout == ""
    assert not ckpt.with_name(ckpt.name + ".lock").exists()
    saved = CheckpointFile(ckpt).load()
    assert saved is not None
    assert saved["rows"] < len(clean_ids)
    assert not saved["done"]
    done = subprocess.run(  # noqa: PLW1510 - the exit code is asserted with stderr
        export_command(emu, out, ckpt), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert sorted(ids_in(out, "jsonl")) == sorted(clean_ids)
