"""Which checkpoint folders survive keep_last, and which one `--resume auto` picks: files on disk
only (no model), so each case is milliseconds."""

from __future__ import annotations

from pathlib import Path

from pygbox_worker.train.checkpoint import META_FILE, STATE_FILE, newest_checkpoint, prune


def fake_checkpoint(output_dir: Path, step: int) -> Path:
    folder = output_dir / f"checkpoint-{step}"
    folder.mkdir(parents=True)
    for name in ("config.json", STATE_FILE, META_FILE):
        (folder / name).write_text("{}", encoding="utf-8")
    return folder


def names(output_dir: Path) -> list[str]:
    return sorted(p.name for p in output_dir.iterdir())


def test_keep_last_keeps_the_newest_and_leaves_no_half_deleted_folder(tmp_path: Path) -> None:
    for step in (3, 6, 9):
        fake_checkpoint(tmp_path, step)
    (tmp_path / ".checkpoint-12.partial").mkdir()  # a save killed halfway: never picked, never pruned
    assert prune(tmp_path, keep_last=2, newest_step=9) == []
    assert names(tmp_path) == [".checkpoint-12.partial", "checkpoint-6", "checkpoint-9"]
    assert newest_checkpoint(tmp_path) == tmp_path / "checkpoint-9"


def test_checkpoints_past_the_resumed_step_are_removed_not_preferred(tmp_path: Path) -> None:
    """A run resumed from checkpoint-3 while checkpoint-6 and -9 of its first attempt remain: after
    it writes its own checkpoint-6 (replacing the old one), the stale checkpoint-9 must go. Kept, it
    would survive keep_last in place of this run's checkpoints, and a crash followed by
    `--resume auto` would jump onto the abandoned trajectory."""
    for step in (3, 6, 9):
        fake_checkpoint(tmp_path, step)
    removed = prune(tmp_path, keep_last=1, newest_step=6)
    assert removed == [tmp_path / "checkpoint-9"]
    assert names(tmp_path) == ["checkpoint-6"]
    assert newest_checkpoint(tmp_path) == tmp_path / "checkpoint-6"
