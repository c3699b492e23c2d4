"""The ``nxcc`` command, run in-process against a threaded emulator (and once as a subprocess)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nxcc_async.cli import main
from nxcc_async.cli.progress import reporter
from nxcc_async.cli.times import parse_range, parse_time
from nxcc_async.emulator import Emulator
from nxcc_async.harvest.harvester import HarvestProgress
from tests.conftest import point_cli_at

AK, SK, TENANT = "cli-ak", "cli-secret-value", 144
START, END = 1_735_689_600, 1_735_689_600 + 2 * 86_400  # 2025-01-01 .. 2025-01-03 UTC


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=11) as e:
        yield e


@pytest.fixture
def env(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    point_cli_at(monkeypatch, emu.base_url, AK, SK, TENANT)
    return emu


def export_args(out: Path, *extra: str) -> list[str]:
    return ["cdrs", "export", "--start", "2025-01-01", "--end", "2025-01-03T00:00:00Z",
            "--out", str(out), "--progress", "log", *extra]  # fmt: skip


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("nxcc: error: ")
    return lines[0]


def test_export_jsonl_matches_ground_truth(env: Emulator, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cdrs.jsonl"
    assert main(export_args(out)) == 0
    expected = env.data.count_cdrs(START, END - 1)  # the emulator's range is inclusive
    ids = [json.loads(line)["callId"] for line in out.read_text().splitlines()]
    assert len(ids) == len(set(ids)) == expected
    summary = capsys.readouterr().out.strip()
    assert summary.startswith(f"wrote {expected:,} rows ({expected:,} in the output)")
    assert "rows/s" in summary
    assert summary.endswith(str(out))


def test_export_sqlite_with_filter(env: Emulator, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cdrs.db"
    assert main(export_args(out, "--answered", "--direction", "inbound")) == 0
    with sqlite3.connect(out) as db:
        (rows,) = db.execute("SELECT count(*) FROM cdrs").fetchone()
    db.close()
    assert rows == env.data.count_cdrs(START, END - 1, direction=1, answered=2) > 0
    assert f"wrote {rows:,} rows" in capsys.readouterr().out


def test_checkpoint_rerun_is_complete(env: Emulator, tmp_path: Path, capsys) -> None:
    out, ckpt = tmp_path / "cdrs.csv", tmp_path / "run.ckpt"
    assert main(export_args(out, "--checkpoint", str(ckpt))) == 0
    first = capsys.readouterr().out
    assert ckpt.exists()
    assert "wrote" in first
    assert main(export_args(out, "--checkpoint", str(ckpt))) == 0
    again = capsys.readouterr().out
    assert "already complete" in again
    assert "wrote 0 rows" in again
    total = env.data.count_cdrs(START, END - 1)
    assert len(out.read_text().splitlines()) == total + 1  # header


@pytest.mark.parametrize("damage", ["deleted", "other format"])
def test_a_finished_checkpoint_refuses_an_output_that_is_not_its_own(
    env: Emulator, tmp_path: Path, capsys, damage: str
) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    assert main(export_args(out, "--checkpoint", str(ckpt))) == 0
    capsys.readouterr()
    if damage == "deleted":
        out.unlink()
    else:
        out = tmp_path / "cdrs.csv"
    assert main(export_args(out, "--checkpoint", str(ckpt))) == 2
    captured = capsys.readouterr()
    assert "finished export" in one_error_line(captured.err)  # no "resuming from" before it
    assert "already complete" not in captured.out
    assert not out.exists()


def test_a_resume_is_announced_at_the_first_report_and_a_fresh_run_is_not(capsys) -> None:
    from nxcc_async.cli.commands.cdrs import _announcing

    seen: list[int] = []
    report = _announcing("run.ckpt", lambda p: seen.append(p.rows))
    assert report is not None
    common = {"windows": 1, "duplicates": 0, "start": START, "end": END, "elapsed": 1.0}
    for rows in (1200, 1300):
        report(HarvestProgress(rows=rows, done_until=START + 7200, resumed_rows=1000,
                               resumed_until=START + 3600, **common))  # fmt: skip
    err = capsys.readouterr().err
    assert err == "nxcc: resuming from run.ckpt (1,000 rows, done until 2025-01-01T01:00:00Z)\n"
    assert seen == [1200, 1300]
    fresh = _announcing("run.ckpt", None)
    assert fresh is not None
    fresh(HarvestProgress(rows=5, done_until=START, resumed_until=START, **common))
    assert capsys.readouterr().err == ""


def test_existing_output_refused(env: Emulator, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cdrs.jsonl"
    out.write_text("{}\n")
    assert main(export_args(out)) == 2
    assert "--overwrite" in one_error_line(capsys.readouterr().err)
    assert main(export_args(out, "--overwrite")) == 0


@pytest.mark.parametrize(
    ("start", "needle"),
    [
        ("yesterday", "is not a time"),
        ("2025-01-01T08:00", "no UTC offset"),
        ("1735689600000", "milliseconds"),
        ("2025-02-30", "--start"),
    ],
)
def test_bad_times_exit_2(env: Emulator, tmp_path: Path, capsys, start: str, needle: str) -> None:
    args = [
        "cdrs",
        "export",
        "--start",
        start,
        "--end",
        "2025-03-01",
        "--out",
        str(tmp_path / "x.jsonl"),
    ]
    assert main(args) == 2
    assert needle in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "x.jsonl").exists()


def test_time_parsing() -> None:
    assert parse_time("2025-01-01", "--start") == START
    assert parse_time("2025-01-01T08:00:00+08:00", "--start") == START
    assert parse_time("2025-01-01T00:00Z", "--start") == START
    assert parse_time("1735689600", "--start") == START
    assert parse_range("2025-01-01T08:00", "2025-01-02", "Asia/Shanghai") == (
        START,
        END - 86_400 - 8 * 3600,
    )
    with pytest.raises(ValueError, match="must be after"):
        parse_range("2025-01-02", "2025-01-01", None)
    with pytest.raises(ValueError, match="time zone"):
        parse_range("2025-01-01", "2025-01-02", "Mars/Olympus")


def test_wrong_secret_exit_1_without_secret(
    env: Emulator, tmp_path: Path, capsys, monkeypatch
) -> None:
    wrong = "wrong-secret-do-not-print"
    monkeypatch.setenv("NXCC_ACCESS_SECRET", wrong)
    assert main(export_args(tmp_path / "x.jsonl")) == 1
    err = capsys.readouterr()
    line = one_error_line(err.err)
    assert "1003" in line
    assert wrong not in err.err + err.out
    assert main(["agents", "list", "--access-secret", "flag-secret-xyz"]) == 1
    err = capsys.readouterr()
    assert "1003" in err.err
    assert "flag-secret-xyz" not in err.err + err.out


def test_missing_credentials_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    for name in ("NXCC_ACCESS_KEY", "NXCC_ACCESS_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["agents", "list", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "NXCC_ACCESS_KEY" in one_error_line(capsys.readouterr().err)


def test_flags_override_env(env: Emulator, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NXCC_ACCESS_KEY", "someone-else")
    assert (
        main(["agents", "list", "--user", "agent0001", "--format", "csv", "--access-key", AK]) == 0
    )
    assert "agent0001@example.com" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys) -> None:
    assert main(["agents", "list", "--bogus"]) == 2
    one_error_line(capsys.readouterr().err)
    assert main([]) == 2
    one_error_line(capsys.readouterr().err)
    assert main(["--help"]) == 0
    assert "cdrs" in capsys.readouterr().out


def test_agents_list_formats(env: Emulator, capsys) -> None:
    assert main(["agents", "list", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["sipNumber"] for r in rows] == [a.sip_number for a in env.data.agents]
    assert main(["agents", "list", "--user", "agent000", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "user_name,sip_number,nick_name,status,queues,end_point"
    assert len(lines) == 1 + 9
    assert main(["agents", "list", "--user", "agent0001"]) == 0
    table = capsys.readouterr().out
    assert "agent0001@example.com" in table
    assert "NXAgent0001" in table


def test_agents_status(env: Emulator, capsys) -> None:
    args = ["agents", "status", "NXAgent0001", "--start", "2025-01-01", "--end", "2025-01-02"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "busy" in out
    assert "rest (total)" in out
    assert main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("user_name,sip_number,busy_duration")


def test_queues_set_members_then_members(env: Emulator, capsys) -> None:
    queue = "NXQueue0003"
    assert main(["queues", "set-members", queue, "NXAgent0001", "NXAgent0002", "NXAgent0001"]) == 0
    assert "2 members" in capsys.readouterr().out
    assert env.data.members(queue) == ["NXAgent0001", "NXAgent0002"]
    assert main(["queues", "members", queue, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["NXAgent0001", "NXAgent0002"]
    assert main(["queues", "list"]) == 0
    assert queue in capsys.readouterr().out
    assert main(["queues", "set-members", queue, "NXNobody"]) == 1
    assert "41000" in one_error_line(capsys.readouterr().err)


def test_demo_in_process(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--out", str(tmp_path), "--days", "2", "--progress", "off"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "cdrs.jsonl").exists()
    assert "wrote 2,000 rows" in out
    assert "calls: inbound" in out
    assert "Top 10 agents" in out
    assert "nxcc agents status agent" in out
    # a rerun replaces its own file
    assert (
        main(
            [
                "demo",
                "--out",
                str(tmp_path),
                "--days",
                "1",
                "--format",
                "sqlite",
                "--progress",
                "off",
            ]
        )
        == 0
    )
    assert "wrote 1,000 rows" in capsys.readouterr().out


def test_demo_into_a_file_says_it_wants_a_directory(tmp_path: Path, capsys) -> None:
    """It said "[Errno 17] File exists"."""
    taken = tmp_path / "a.csv"
    taken.write_text("mine\n")
    assert main(["demo", "--out", str(taken), "--progress", "off"]) == 2
    assert "is a file; the demo writes into a directory" in one_error_line(capsys.readouterr().err)
    assert taken.read_text() == "mine\n"


def test_demo_subprocess(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nxcc_async", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 7,000 rows" in done.stdout
    assert "Traceback" not in done.stderr


def test_progress_log_lines() -> None:
    import io

    stream = io.StringIO()
    p = HarvestProgress(
        windows=3, rows=300, duplicates=0, start=0, end=100, done_until=50, elapsed=2.0
    )
    with reporter("log", stream, every=0.0) as update:
        assert update is not None
        update(p)
    assert stream.getvalue().startswith("nxcc: progress  50% | windows 3 | rows 300 | 150 rows/s")


def test_retries_quiet_unless_verbose(env: Emulator, tmp_path: Path, capsys) -> None:
    from nxcc_async.emulator import Faults

    args = ["cdrs", "export", "--start", "2025-01-01", "--end", "2025-01-02",
            "--progress", "off", "--overwrite", "--max-retries", "8",
            "--out", str(tmp_path / "x.jsonl")]  # fmt: skip
    env.faults = Faults(code99=0.3)
    try:
        assert main(args) == 0
        quiet = capsys.readouterr().err
        assert main(["-v", *args]) == 0
        loud = capsys.readouterr().err
    finally:
        env.faults = Faults()
    assert "retry" not in quiet
    assert "nxcc: retry 1 in" in loud
    assert SK not in loud
