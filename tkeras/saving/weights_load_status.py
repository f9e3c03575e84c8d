"""What tf-keras 2's `load_weights` hands back for a TensorFlow-checkpoint path (no `.h5`/`.keras` suffix).

tf.keras-era scripts chain `model.load_weights(path).expect_partial()` (keras-io's CycleGAN) or
`.assert_consumed()`. tkeras writes such paths as one HDF5 file and restores them as leniently as
TensorFlow restored a checkpoint: a layer the file holds nothing for keeps its weights (transfer
learning into a model with a new head), anything else that does not match raises while loading. By the
time the status exists the restore is complete, so the assertions only check for such left-out layers,
and the calls that only mattered for TF 1 graphs do nothing.
"""
import os


class RestoreStatus:
    """The calls a TensorFlow load status answers that only mattered for TF 1 graphs or for restores
    still pending: tkeras restores at once, so they do nothing (shared with `tf.train.Checkpoint`)."""

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None

    def initialize_or_restore(self, session=None):
        return None


class WeightsLoadStatus(RestoreStatus):
    def __init__(self, filepath, unmatched=()):
        self.filepath = filepath
        self.unmatched = list(unmatched)  # the model's layers the file held no weights for

    def _assert_all_matched(self):
        if self.unmatched:
            raise AssertionError(
                f"{self.filepath}: the file held no weights for {len(self.unmatched)} layer(s) of the model, which "
                f"kept their own: {self.unmatched}. Call expect_partial() instead if that is intended.")
        return self

    def assert_consumed(self):
        return self._assert_all_matched()

    def assert_existing_objects_matched(self):
        return self._assert_all_matched()

    def assert_nontrivial_match(self):
        return self

    def __repr__(self):
        if self.unmatched:
            return f"<WeightsLoadStatus {self.filepath!r}: restored, except layers {self.unmatched}>"
        return f"<WeightsLoadStatus {self.filepath!r}: all weights restored>"


def is_checkpoint_path(filepath):
    """A path tf-keras 2 would have written as a TensorFlow checkpoint: no Keras file suffix."""
    return not filepath.endswith((".h5", ".hdf5", ".keras"))


def checkpoint_file(filepath):
    """The file tkeras writes and reads for a checkpoint path. A prefix naming a folder (`"logs/"`, as
    keras-io's ViT object detector hands ModelCheckpoint) had TensorFlow put its files inside that folder;
    tkeras' one file goes there too, under the name of TensorFlow's data file."""
    if is_checkpoint_path(filepath) and filepath.endswith(("/", os.sep)):
        return os.path.join(filepath, ".data-00000-of-00001")
    return filepath


def status_for(filepath, unmatched=()):
    """The status tf-keras 2 returns for `filepath`, or None (Keras 3, and tf-keras 2 for HDF5 files)."""
    if not is_checkpoint_path(filepath):
        return None
    return WeightsLoadStatus(filepath, unmatched)
