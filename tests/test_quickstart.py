"""The Quick start leaves the user ready: the demo's "Next steps" run in the same shell as
printed, even when the venv holding ``nxcc`` is not activated (not on ``PATH``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nxcc_async.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("nxcc")


@pytest.mark.skipif(not SCRIPT.is_file(), reason="no nxcc script next to this interpreter")
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_demos_next_steps_run_as_printed_without_an_activated_venv(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",  # the venv's bin is not on PATH: "nxcc" alone would fail
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
    }
    demo = subprocess.run(
        [str(SCRIPT), "demo", "--days", "1", "--progress", "off", "--out", "demo"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    steps = demo.stdout.split("Next steps:\n", 1)[1].splitlines()
    commands = [line.strip() for line in steps if line.strip() and not line.strip().startswith("#")]
    emulator_line, export_line, *here = commands
    assert emulator_line.startswith(f"{SCRIPT} emulator --port 8080")
    assert export_line.startswith("export NXCC_BASE_URL=http://127.0.0.1:8080 ")
    assert [c.split()[0] for c in here] == [str(SCRIPT)] * 4
    with Emulator.in_thread(access_key="ak", access_secret="sk", tenant_id=144, seed=7) as emu:
        export_line = re.sub(r"127\.0\.0\.1:8080", f"127.0.0.1:{emu.port}", export_line)
        for command in here:
            done = subprocess.run(
                ["bash", "-c", f"{export_line} && {command}"],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert done.returncode == 0, (command, done.stderr)
    assert (tmp_path / "answered.csv").stat().st_size > 0
    assert not (tmp_path / "answered.ckpt.lock").exists()


def test_nxcc_is_named_plainly_when_it_is_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from nxcc_async.cli.demo import nxcc_commands

    if not SCRIPT.is_file():
        pytest.skip("no nxcc script next to this interpreter")
    monkeypatch.setenv("PATH", f"{SCRIPT.parent}{os.pathsep}/usr/bin")
    here, _ = nxcc_commands()
    assert here == "nxcc"
    monkeypatch.setenv("PATH", "/usr/bin")
    here, elsewhere = nxcc_commands()
    assert here == elsewhere == str(SCRIPT)


def test_ci_ends_with_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("```\n", 2)[1]
    main_job, tests = (line.split("  #")[0].strip() for line in quick.strip().splitlines())
    assert main_job.startswith("python3 -m venv .venv && ")
    assert main_job.endswith(".venv/bin/nxcc demo")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci[-1] == tests
    commands = "\n".join(line for line in ci if not line.lstrip().startswith("#"))
    assert "pip install" not in commands.replace(".venv/bin/pip install", "")  # PEP 668
