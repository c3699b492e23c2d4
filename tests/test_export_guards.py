"""An export never cuts or replaces an output that is not its own, and refuses what it cannot
do before opening anything: the checkpoint as the output, a device, a missing directory, a
period that is not over."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from nxcc_async.harvest.checkpoint import CheckpointMismatch
from nxcc_async.harvest.export import export
from tests.test_resume_after_failure import END, EXPECTED, START, failed_export, ids_in, source

FORMATS = ["cdrs.jsonl", "cdrs.csv", "cdrs.sqlite", "cdrs.parquet"]


def _snapshot(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.mark.parametrize("name", FORMATS)
async def test_a_resume_into_another_output_is_refused_and_leaves_it_alone(
    tmp_path: Path, name: str
) -> None:
    """The checkpoint knew no output: resuming into another export's output cut it back to the
    saved position (or deleted its later parts, or its rows above the saved rowid)."""
    pytest.importorskip("pyarrow") if name.endswith(".parquet") else None
    first, ckpt = tmp_path / "a" / name, tmp_path / "run.ckpt"
    victim = tmp_path / "b" / name
    first.parent.mkdir()
    victim.parent.mkdir()
    await export(source(), START, END, victim)  # another, finished export
    before = _snapshot(victim)
    await failed_export(first, ckpt)
    with pytest.raises(CheckpointMismatch, match="belongs to the export into"):
        await export(source(), START, END, victim, checkpoint=ckpt)
    assert _snapshot(victim) == before
    again = await export(source(), START, END, first, checkpoint=ckpt)  # its own output
    assert again.resumed
    assert again.rows_total == len(EXPECTED)


async def test_a_resume_into_a_replaced_file_is_refused(tmp_path: Path) -> None:
    """Same path, other bytes (as long, a line end at the offset): it used to be cut back to
    the saved offset and appended to."""
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    await failed_export(out, ckpt)
    replaced = out.read_bytes().replace(b'"c', b'"x') + b'{"other": 1}\n'
    out.write_bytes(replaced)
    with pytest.raises(ValueError, match="not the ones the checkpoint recorded"):
        await export(source(), START, END, out, checkpoint=ckpt)
    assert out.read_bytes() == replaced


@pytest.mark.parametrize("damage", ["sqlite emptied", "parquet part deleted", "jsonl replaced"])
async def test_a_finished_checkpoint_sees_an_output_that_no_longer_holds_its_rows(
    tmp_path: Path, damage: str
) -> None:
    """Only a file's length was checked: an emptied table, a deleted Parquet part or a file
    replaced by a longer one were "already complete"."""
    kind = damage.split(maxsplit=1)[0]
    if kind == "parquet":
        pytest.importorskip("pyarrow")
    out, ckpt = tmp_path / f"cdrs.{kind}", tmp_path / "run.ckpt"
    await export(source(), START, END, out, checkpoint=ckpt)
    assert (await export(source(), START, END, out, checkpoint=ckpt)).already_complete
    if kind == "sqlite":
        with sqlite3.connect(out) as db:
            db.execute("DELETE FROM cdrs")
        db.close()
    elif kind == "parquet":
        next(out.glob("part-*.parquet")).unlink()
    else:
        out.write_bytes(b'{"callId": "other"}\n' * (out.stat().st_size // 10))
    with pytest.raises(CheckpointMismatch, match="finished export"):
        await export(source(), START, END, out, checkpoint=ckpt)


@pytest.mark.parametrize("same", ["the checkpoint", "its lock"])
async def test_the_checkpoint_cannot_be_the_output(tmp_path: Path, same: str) -> None:
    """``--out x --checkpoint x`` reported success and left only the checkpoint in x."""
    ckpt = tmp_path / "run.jsonl"
    out = ckpt if same == "the checkpoint" else tmp_path / "run.jsonl.lock"
    with pytest.raises(ValueError, match="different paths"):
        await export(source(), START, END, out, format="jsonl", checkpoint=ckpt)
    assert os.listdir(tmp_path) == []


async def test_a_device_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    """A character device reports size 0: the sink read it whole to see whether it was empty
    (``/dev/zero`` ran out of memory, ``/dev/stdout`` hung)."""
    with pytest.raises(ValueError, match="no regular file"):
        await export(source(), START, END, "/dev/zero", format="jsonl")


async def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "cdrs.jsonl"
    with pytest.raises(FileNotFoundError, match=r"the directory .* does not exist"):
        await export(source(), START, END, out)


async def test_a_period_that_is_not_over_is_refused(tmp_path: Path) -> None:
    """A finished checkpoint of a period ending later than now answered "already complete"
    to every rerun, though calls kept coming."""
    now = int(time.time())
    out = tmp_path / "cdrs.jsonl"
    with pytest.raises(ValueError, match="ends in the future"):
        await export(source(), now - 3600, now + 600, out)
    assert not out.exists()
    result = await export(source(), now - 3600, now + 30, out)  # "now", parsed a moment ago
    assert result.rows_written == 0
    assert ids_in(out) == []


async def test_a_directory_is_no_file_output(tmp_path: Path) -> None:
    """An empty directory as a JSON Lines output was "already exists and is not empty"."""
    with pytest.raises(ValueError, match="is a directory; a jsonl output is a file"):
        await export(source(), START, END, tmp_path, format="jsonl")


async def test_a_checkpoint_in_a_missing_directory_is_named(tmp_path: Path) -> None:
    """The error named the lock file, which the user never gave."""
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "no" / "run.ckpt"
    with pytest.raises(FileNotFoundError, match=r"cannot create checkpoint .*run\.ckpt'"):
        await export(source(), START, END, out, checkpoint=ckpt)
    assert not out.exists()
