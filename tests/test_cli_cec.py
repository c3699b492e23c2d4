"""``nxcc cec watch`` in-process against a threaded emulator: ``--once --json`` for scripts, the
rendered board (stale marker on a failed poll), connection options and their errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from rich.console import Console

from nxcc_async._core.errors import ServerError
from nxcc_async._core.watch import Snapshot
from nxcc_async.cec.board import QueueLine, VdnBoard
from nxcc_async.cec.records import SystemState
from nxcc_async.cli import main
from nxcc_async.cli.commands.cec import Board, snapshot_json
from nxcc_async.emulator import Emulator
from nxcc_async.emulator.cec_data import system_counts

AK, SK = "cli-cec-ak", "cli-cec-sk"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator.in_thread(cec_access_key=AK, cec_secret_key=SK, seed=5) as e:
        yield e


@pytest.fixture
def env(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("CEC_BASE_URL", emu.base_url)
    monkeypatch.setenv("CEC_ACCESS_KEY", AK)
    monkeypatch.setenv("CEC_SECRET_KEY", SK)
    return emu


def test_once_json_matches_the_ground_truth(
    env: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cec", "watch", "--vdn", "2", "--vdn", "3", "--once", "--json"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    data = json.loads(line)
    assert (data["ok"], data["stale"], data["error"]) == (True, False, None)
    assert [v["vdn"] for v in data["vdns"]] == [2, 3]
    counts = system_counts(env.cec.agents(1, 2))
    assert data["vdns"][0]["agents"] == {
        "busy": counts["busyAgent"],
        "talking": counts["talkingNum"],
        "idle": counts["idleAgent"],
        "logged_in": counts["totalLoginAgent"],
    }
    skills = env.cec.skills(1, 2)
    queues = data["vdns"][0]["queues"]
    assert [(q["skill_id"], q["waiting_calls"], q["service_level"]) for q in queues] == [
        (s.skill_id, s.waiting, s.service_level) for s in skills
    ]


def test_once_table_without_skills(env: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cec", "watch", "--once", "--no-skills"]) == 0
    out = capsys.readouterr().out
    assert "last good poll" in out
    assert "skill queues" not in out
    total = system_counts(env.cec.agents(1, 1))["totalLoginAgent"]
    row = next(line for line in out.splitlines() if line.strip().startswith("│   1 │"))
    assert [cell.strip() for cell in row.split("│")[1:-1]][1] == str(total)


def test_flags_override_the_environment(env: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cec", "watch", "--once", "--json", "--no-skills", "--secret-key", "wrong"]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nxcc: error: API error code 401")
    assert "wrong" not in err
    assert SK not in err
    assert err.endswith("; check CEC_ACCESS_KEY, CEC_SECRET_KEY and this machine's clock")


def test_hints_name_the_settings_of_the_vendor_the_command_talks_to() -> None:
    from nxcc_async._core.errors import ConnectError, PermissionDeniedError
    from nxcc_async.cli.errors import classify

    refused = ConnectError("cannot connect to http://127.0.0.1:9")
    assert classify(refused, "cec")[1].endswith("check --base-url / CEC_BASE_URL")
    assert classify(refused)[1].endswith("check --base-url / NXCC_BASE_URL")
    denied = PermissionDeniedError("0100003", "no rights")
    assert "CEC_ACCESS_KEY" in classify(denied, "cec")[1]
    assert "NXCC_TENANT_ID" in classify(denied, "nxcc")[1]


def test_missing_connection_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CEC_BASE_URL", "CEC_ACCESS_KEY", "CEC_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["cec", "watch", "--once"]) == 2
    assert "CEC_BASE_URL" in capsys.readouterr().err


def _render(board: Board) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(board)
    return console.export_text()


def test_the_board_marks_a_failed_poll_stale_and_keeps_the_last_numbers() -> None:
    good_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=12)
    line = VdnBoard(
        cc_id=1,
        vdn=7,
        agents=SystemState(busy_agent=3, talking_num=4, idle_agent=5, total_login_agent=12),
        queues=(QueueLine(skill_id=101, skill_name="Sales", waiting_calls=2, service_level=81.5),),
    )
    board = Board(1, 5.0)
    assert "waiting for the first poll" in _render(board)
    board.snap = Snapshot(at=good_at, value=[line], last_good=good_at, last_value=[line])
    text = _render(board)
    assert "STALE" not in text
    assert "81.5%" in text
    gap = Snapshot(
        at=good_at + dt.timedelta(seconds=10),
        value=None,
        error=ServerError("0100999", "injected"),
        seq=2,
        last_good=good_at,
        last_value=[line],
    )
    board.snap = gap
    text = _render(board)
    assert "STALE" in text
    assert "last poll failed: ServerError: code 0100999: injected" in text
    assert "(12s ago)" in text
    assert "Sales (101)" in text  # the last good numbers stay on screen
    as_json = snapshot_json(gap)
    assert (as_json["ok"], as_json["stale"]) == (False, True)
    assert as_json["vdns"][0]["agents"]["logged_in"] == 12
    assert as_json["error"] == "ServerError: code 0100999: injected"
