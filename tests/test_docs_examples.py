"""Every python block of README.md and docs/*.md runs against the emulator (complete programs as
they are, fragments inside the prelude of docs/examples.md); a block not run says why."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nxcc_async.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_docs", ROOT / "docs" / "check_docs.py")
assert _spec is not None
assert _spec.loader is not None
check_docs = importlib.util.module_from_spec(_spec)
sys.modules["check_docs"] = check_docs
_spec.loader.exec_module(check_docs)

BLOCKS = [b for b in check_docs.blocks() if b.kind in ("program", "fragment", "pytest")]


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    with Emulator.in_thread(seed=7, cdrs_per_day=200) as emu:  # the default demo credentials
        yield emu


def test_every_block_is_run_or_says_why() -> None:
    kinds = [b.kind for b in check_docs.blocks()]
    assert kinds.count("prelude") == 1
    skipped = [b for b in check_docs.blocks() if b.kind == "no-run"]
    assert all(b.reason for b in skipped)
    assert len(skipped) <= 3, [b.name for b in skipped]
    assert check_docs.check_blocks() == []


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_block_runs(block: check_docs.Block, server: Emulator, tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NXCC_", "CEC_"))},
        "NXCC_BASE_URL": server.base_url,
        "NXCC_ACCESS_KEY": "ak",
        "NXCC_ACCESS_SECRET": "sk",
        "NXCC_TENANT_ID": "144",
        "CEC_BASE_URL": server.base_url,
        "CEC_ACCESS_KEY": "cec-ak",
        "CEC_SECRET_KEY": "cec-sk",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),  # dlt keeps pipeline state there, not in /var
        "PYTHONWARNINGS": "error::ResourceWarning",
    }
    command = [sys.executable, "-c", check_docs.program(block)]
    if block.kind == "pytest":  # a test module of the user's own: run by pytest, no config
        (tmp_path / "test_mine.py").write_text(block.source)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"]
    done = subprocess.run(
        command,
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{block.name}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert "Traceback" not in done.stderr, done.stderr
