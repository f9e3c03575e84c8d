"""OrbaxCheckpoint is refused at construction (as Keras does without Orbax), naming the alternatives."""
import pytest

from tkeras import callbacks


def test_orbax_checkpoint_points_at_model_checkpoint(tmp_path):
    with pytest.raises(ImportError, match="Orbax.*ModelCheckpoint\\('.*/ckpt-\\{epoch:02d\\}.keras'.*BackupAndRestore"):
        callbacks.OrbaxCheckpoint(str(tmp_path), save_best_only=True)
    assert not list(tmp_path.iterdir())
