"""What tf-keras 2's `load_weights` hands back for a TensorFlow-checkpoint path (no `.h5`/`.keras` suffix).

tf.keras-era scripts chain `model.load_weights(path).expect_partial()` (keras-io's CycleGAN) or
`.assert_consumed()`. tkeras writes such paths as one HDF5 file and reads every weight of the model
from it (a missing or mismatched weight raises while loading), so by the time the status exists the
restore is complete: every assertion passes, and the calls that only mattered for TF 1 graphs do nothing.
"""


class WeightsLoadStatus:
    def __init__(self, filepath):
        self.filepath = filepath

    def assert_consumed(self):
        return self

    def assert_existing_objects_matched(self):
        return self

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None

    def initialize_or_restore(self, session=None):
        return None

    def __repr__(self):
        return f"<WeightsLoadStatus {self.filepath!r}: all weights restored>"


def status_for(filepath):
    """The status tf-keras 2 returns for `filepath`, or None (Keras 3, and tf-keras 2 for HDF5 files)."""
    if filepath.endswith((".h5", ".hdf5", ".keras")):
        return None
    return WeightsLoadStatus(filepath)
