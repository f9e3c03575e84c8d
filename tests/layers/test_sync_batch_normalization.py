"""tf-keras 2's layers.experimental.SyncBatchNormalization in one process against tf-keras 2.21's figures
(tests/fixtures/sync_batch_norm_reference.json); across two processes it is checked against one process
in tests/distribute/test_data_parallel.py."""
import json
import os

import numpy as np

import tkeras as keras
from tests.fixtures.check_sync_batch_norm_in_real_keras import batch, record

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "sync_batch_norm_reference.json")) as handle:
    REFERENCE = json.load(handle)


def test_one_process_training_call_and_config_match_tf_keras():
    ours = record(keras)
    assert ours["class_name"] == REFERENCE["class_name"] == "SyncBatchNormalization"
    assert ours["config"] == REFERENCE["config"]
    np.testing.assert_allclose(ours["training_output"], REFERENCE["training_output"], rtol=1e-5, atol=1e-6)
    for name, expected in REFERENCE["weights"].items():
        np.testing.assert_allclose(ours["weights"][name], expected, rtol=1e-5, atol=1e-6, err_msg=name)


def test_in_one_process_it_is_batch_normalization_and_it_round_trips(tmp_path):
    """Without a process group the moments are the local batch's, exactly BatchNormalization's."""
    sync = keras.layers.experimental.SyncBatchNormalization(momentum=0.8)
    plain = keras.layers.BatchNormalization(momentum=0.8)
    x = batch()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(sync(x, training=True)),
                                  keras.ops.convert_to_numpy(plain(x, training=True)))
    again = keras.layers.experimental.SyncBatchNormalization.from_config(sync.get_config())
    assert again.synchronized and again.momentum == 0.8
    model = keras.Sequential([keras.Input((3,)), sync])
    path = str(tmp_path / "sync.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.layers[0]).__name__ == "SyncBatchNormalization"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
