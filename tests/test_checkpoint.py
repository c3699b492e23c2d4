"""Checkpoint file: atomic replace, versioned, fingerprint-checked, no secrets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from nxcc_async.harvest import CheckpointFile, CheckpointMismatch
from nxcc_async.harvest.checkpoint import VERSION, CheckpointCorrupt, CheckpointError

STATE = {
    "fingerprint": "sha256:3f9a",
    "window": 12,
    "sink": {"format": "jsonl", "offset": 4096, "rows": 25},
    "note": "断点",
}


def test_missing_file_loads_none(tmp_path: Path) -> None:
    assert CheckpointFile(tmp_path / "run.ckpt").load() is None


def test_save_and_load(tmp_path: Path) -> None:
    ckpt = CheckpointFile(tmp_path / "run.ckpt")
    ckpt.save(STATE)
    assert ckpt.load() == STATE
    assert ckpt.load(expect_fingerprint="sha256:3f9a") == STATE
    doc = orjson.loads((tmp_path / "run.ckpt").read_bytes())
    assert doc["version"] == VERSION
    assert doc["saved_at"].endswith("+00:00")
    ckpt.save({**STATE, "window": 13})
    assert ckpt.load() == {**STATE, "window": 13}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.ckpt"]


@pytest.mark.parametrize("fails", ["replace", "fsync"])
def test_failed_save_keeps_old_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    ckpt = CheckpointFile(tmp_path / "run.ckpt")
    ckpt.save(STATE)

    def boom(*args: Any) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, fails, boom)
    with pytest.raises(OSError, match="disk on fire"):
        ckpt.save({**STATE, "window": 99})
    monkeypatch.undo()
    assert ckpt.load() == STATE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.ckpt"]  # temp file removed


def test_fingerprint_mismatch(tmp_path: Path) -> None:
    ckpt = CheckpointFile(tmp_path / "run.ckpt")
    ckpt.save(STATE)
    with pytest.raises(CheckpointMismatch, match="different arguments") as info:
        ckpt.load(expect_fingerprint="sha256:other")
    assert isinstance(info.value, ValueError)
    assert "delete it" in str(info.value)
    assert "same arguments" in str(info.value)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b'{"version": 1, "state": {"window"', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "not an nxcc_async checkpoint"),
        (b'{"version": 99, "state": {}}', "version 99"),
    ],
)
def test_corrupt_checkpoint(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "run.ckpt"
    path.write_bytes(content)
    with pytest.raises(CheckpointCorrupt, match=match) as info:
        CheckpointFile(path).load()
    assert isinstance(info.value, CheckpointError)
    assert "delete" in str(info.value)


@pytest.mark.parametrize(
    "state",
    [{"access_secret": "x"}, {"args": {"Authorization": "x"}}, {"items": [{"token": "x"}]}],
)
def test_secrets_are_refused(tmp_path: Path, state: dict[str, Any]) -> None:
    ckpt = CheckpointFile(tmp_path / "run.ckpt")
    with pytest.raises(ValueError, match="no secrets"):
        ckpt.save(state)
    assert not ckpt.path.exists()


def test_delete(tmp_path: Path) -> None:
    ckpt = CheckpointFile(tmp_path / "run.ckpt")
    ckpt.save(STATE)
    ckpt.delete()
    ckpt.delete()
    assert ckpt.load() is None


def test_a_second_run_on_a_held_checkpoint_is_refused(tmp_path: Path) -> None:
    from nxcc_async.harvest.checkpoint import CheckpointInUse

    first, second = CheckpointFile(tmp_path / "run.ckpt"), CheckpointFile(tmp_path / "run.ckpt")
    with first.lock(), pytest.raises(CheckpointInUse, match="in use by another run"), second.lock():
        pass
    with second.lock():  # released: the next run may take it
        pass
