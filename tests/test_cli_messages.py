"""The ``nxcc`` command's messages for a newcomer's mistakes: exact wording and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nxcc_async.cli import main
from nxcc_async.cli.args import build_parser
from nxcc_async.emulator import Emulator
from nxcc_async.emulator.__main__ import build_parser as emulator_parser
from nxcc_async.harvest.checkpoint import CheckpointFile, CheckpointInUse
from tests.conftest import point_cli_at

AK, SK, TENANT = "msg-ak", "msg-secret-value", 144
START, END = 1_735_689_600, 1_735_689_600 + 86_400


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=5) as e:
        yield e


@pytest.fixture
def env(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    point_cli_at(monkeypatch, emu.base_url, AK, SK, TENANT)
    return emu


def export(out: str, *extra: str) -> list[str]:
    return ["cdrs", "export", "--start", "2025-01-01", "--end", "2025-01-02", "--out", out,
            "--progress", "off", *extra]  # fmt: skip


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_export_with_a_wrong_secret_says_what_agents_list_says_and_leaves_nothing(
    env: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("NXCC_ACCESS_SECRET", "not-the-secret")
    assert main(["agents", "list"]) == 1
    listed = error_line(capsys)
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    assert main(export(str(out), "--checkpoint", str(ckpt))) == 1
    exported = error_line(capsys)
    assert exported.startswith(
        "nxcc: error: API error code 1003 on cdr/page: Signature verification failed (reqId "
    )
    assert exported.endswith("); check the access secret (NXCC_ACCESS_SECRET)")
    assert listed.startswith("nxcc: error: API error code 1003 on agent/page: Signature ")
    assert listed.endswith("); check the access secret (NXCC_ACCESS_SECRET)")
    assert "kept failing" not in exported
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, checkpoint nor lock


def test_export_to_a_refused_port_says_cannot_connect_and_leaves_nothing(
    env: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("NXCC_BASE_URL", "http://127.0.0.1:9")
    out = tmp_path / "cdrs.csv"
    assert main(export(str(out))) == 1
    assert error_line(capsys) == (
        "nxcc: error: cannot connect: cannot connect to http://127.0.0.1:9: [Errno 111] Connect "
        "call failed ('127.0.0.1', 9); check --base-url / NXCC_BASE_URL"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_clean_checkpointed_export_leaves_no_lock_file(
    env: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    assert main(export(str(out), "--checkpoint", str(ckpt))) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdrs.jsonl", "run.ckpt"]
    assert len(out.read_text().splitlines()) == env.data.count_cdrs(START, END - 1)


def test_the_lock_still_refuses_a_second_run_and_a_run_holding_a_removed_file(
    tmp_path: Path,
) -> None:
    first, second = CheckpointFile(tmp_path / "a.ckpt"), CheckpointFile(tmp_path / "a.ckpt")
    lock = tmp_path / "a.ckpt.lock"
    with first.lock():
        assert lock.exists()
        racer = open(lock, "a+b")  # noqa: SIM115 - a run that opened the file before its removal
        with pytest.raises(CheckpointInUse, match="in use by another run"), second.lock():
            pass
    assert not lock.exists()
    with second.lock():  # the racer's file is gone: its holder would start over on a new file
        assert lock.exists()
        assert lock.stat().st_ino != __import__("os").fstat(racer.fileno()).st_ino
    racer.close()
    assert not lock.exists()


def test_stdout_export_writes_jsonl_and_refuses_a_checkpoint(
    env: Emulator, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(export("-")) == 0
    captured = capsysbinary.readouterr()
    ids = [json.loads(line)["callId"] for line in captured.out.splitlines()]
    assert len(ids) == len(set(ids)) == env.data.count_cdrs(START, END - 1)
    assert captured.err.decode().startswith(f"wrote {len(ids):,} rows in ")
    assert main(export("-", "--checkpoint", "x.ckpt")) == 2
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    assert captured.err.decode().strip() == (
        "nxcc: error: --checkpoint needs a file to resume into; stdout (--out -) cannot be "
        "resumed: give --out a file path, or drop --checkpoint"
    )
    assert not Path("x.ckpt").exists()
    assert main(export("-", "--format", "csv")) == 2
    assert capsysbinary.readouterr().err.decode().strip() == (
        "nxcc: error: --out - writes JSON Lines; --format csv needs a file path"
    )


def test_missing_pyarrow_names_the_extra(
    env: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    monkeypatch.delitem(sys.modules, "nxcc_async.harvest.sinks.parquet", raising=False)
    assert main(export(str(tmp_path / "cdrs.parquet"))) == 2
    assert error_line(capsys) == (
        "nxcc: error: the Parquet sink needs pyarrow: pip install 'pyarrow>=15' (the parquet extra)"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_agent_exits_1(env: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "agents",
        "status",
        "nobody@example.com",
        "--start",
        "2025-01-01",
        "--end",
        "2025-01-02",
    ]
    assert main(args) == 1
    assert error_line(capsys) == (
        "nxcc: error: no status for agent 'nobody@example.com' between 2025-01-01T00:00:00Z and "
        "2025-01-02T00:00:00Z: no such agent, or no activity then (nxcc agents list --user "
        "NAME lists the agents)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", "'2025-02-30' is not a calendar date"),
        ("2025-13-01", "'2025-13-01' is not a calendar date"),
    ],
)
def test_bad_dates_in_our_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    args = ["agents", "status", "x", "--start", value, "--end", "2025-03-01"]
    assert main(args) == 2
    assert error_line(capsys) == (
        f"nxcc: error: --start {message}; use YYYY-MM-DD with a month of 01..12 and a day that "
        "month has (2025-02-28)"
    )


def test_bad_latency(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--latency", "abc"]) == 2
    assert error_line(capsys) == (
        "nxcc: error: argument --latency: 'abc' is not a delay; give seconds (0.05) or MIN,MAX "
        "(0.01,0.2) (see nxcc emulator --help)"
    )


def test_push_options_without_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--port", "0", "--push-mode", "token"]) == 2
    assert error_line(capsys) == ("nxcc: error: --push-mode and --push-token go with --push-to URL")


def test_every_emulator_option_has_help() -> None:
    missing = [a.option_strings for a in emulator_parser()._actions if not a.help]
    assert missing == []


def test_demo_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--help"]) == 0
    text = capsys.readouterr().out
    assert "``" not in text
    assert ":class:" not in text
    assert "nxcc demo --days 1 --progress off" in text
    assert build_parser().prog == "nxcc"
