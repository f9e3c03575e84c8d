"""Checkpoints TensorFlow wrote (`checkpoint.save(file_prefix=...)` in a textbook's seq2seq chapter,
trained with real TensorFlow) read in tkeras: `tf.train.list_variables`, `load_checkpoint` and
`load_variable` give the names, shapes, dtypes and values TensorFlow gives for the same files
(recorded by tests/fixtures/make_nb_b2_tf_checkpoint_reference.py), and a `tf.train.Checkpoint` of
variables restores from them by name. Before, the binary `.index` was parsed as JSON and failed with a
UnicodeDecodeError."""
import importlib
import json
import os

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
FOLDER = os.path.join(FIXTURES, "nb_b2_tf_checkpoint")


@pytest.fixture(scope="module")
def reference():
    with open(os.path.join(FIXTURES, "nb_b2_tf_checkpoint_reference.json")) as f:
        return json.load(f)


@pytest.fixture
def tf():
    from tkeras import compat
    compat.install()
    yield importlib.import_module("tensorflow")
    compat.uninstall()


def test_list_variables_gives_tensorflows_names_and_shapes(tf, reference):
    prefix = os.path.join(FOLDER, reference["prefix"])
    assert [[name, list(shape)] for name, shape in tf.train.list_variables(prefix)] == reference["variables"]


def test_values_and_dtypes_are_tensorflows(tf, reference):
    reader = tf.train.load_checkpoint(FOLDER)  # a folder: its latest checkpoint, as TensorFlow reads it
    dtypes = reader.get_variable_to_dtype_map()
    prefix = os.path.join(FOLDER, reference["prefix"])
    for name, expected in reference["values"].items():
        assert dtypes[name].name == expected["dtype"], name
        value = tf.train.load_variable(prefix, name)
        np.testing.assert_array_equal(np.asarray(value), np.asarray(expected["value"], dtype=expected["dtype"]))
        assert np.asarray(value).dtype == np.dtype(expected["dtype"]), name


def test_a_checkpoint_of_variables_restores_by_name(tf, reference):
    kernel, bias = tf.Variable(np.zeros((2, 3), "float32")), tf.Variable(np.zeros(3, "float32"))
    steps = tf.Variable(np.int64(0))
    checkpoint = tf.train.Checkpoint(fc=tf.train.Checkpoint(kernel=kernel, bias=bias), steps=steps)
    checkpoint.restore(tf.train.latest_checkpoint(FOLDER))
    values = reference["values"]
    np.testing.assert_array_equal(kernel.numpy(), np.float32(values["fc/kernel/.ATTRIBUTES/VARIABLE_VALUE"]["value"]))
    np.testing.assert_array_equal(bias.numpy(), np.float32(values["fc/bias/.ATTRIBUTES/VARIABLE_VALUE"]["value"]))
    assert int(steps.numpy()) == values["steps/.ATTRIBUTES/VARIABLE_VALUE"]["value"] == 1234567890123


def test_an_index_of_unknown_layout_fails_with_one_clear_line(tf, tmp_path):
    (tmp_path / "ckpt-1.index").write_bytes(b"\xf0\x9f\x00not a checkpoint")
    (tmp_path / "ckpt-1.data-00000-of-00001").write_bytes(b"")
    with pytest.raises(ValueError, match="neither a tkeras checkpoint nor a TensorFlow one"):
        tf.train.load_checkpoint(str(tmp_path / "ckpt-1"))


def test_fresh_unbuilt_models_restore_from_a_tensorflow_checkpoint(tf, reference):
    """The textbook's restore-then-translate flow with a checkpoint TensorFlow trained: the subclassed
    encoder (called with tokens and a hidden state) and a Sequential head with BatchNormalization get
    their values when first built, and give the outputs TensorFlow gave. TensorFlow's optimizer slots
    cannot be paired with tkeras' own, so the optimizer is reported unmatched and starts afresh."""
    saved = reference["models"]

    class Encoder(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.embedding = tf.keras.layers.Embedding(9, 4)
            self.gru = tf.keras.layers.GRU(5, return_sequences=True, return_state=True)

        def call(self, x, hidden):
            return self.gru(self.embedding(x), initial_state=hidden)

    encoder = Encoder()
    head = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"), tf.keras.layers.BatchNormalization(),
                                tf.keras.layers.Dense(2)])
    optimizer = tf.keras.optimizers.Adam(0.1)
    checkpoint = tf.train.Checkpoint(optimizer=optimizer, encoder=encoder, head=head)
    status = checkpoint.restore(tf.train.latest_checkpoint(os.path.join(FOLDER, "models")))
    outputs, state = encoder(np.int32(saved["tokens"]), tf.constant(np.float32(saved["hidden"])))
    np.testing.assert_allclose(outputs.numpy(), saved["encoder_outputs"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.numpy(), saved["encoder_state"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(head(np.float32(saved["features"]), training=False).numpy(), saved["head"],
                               rtol=1e-5, atol=1e-6)
    status.assert_nontrivial_match()
    with pytest.raises(AssertionError, match="optimizer"):
        status.assert_existing_objects_matched()


def test_save_numbering_continues_after_a_tensorflow_checkpoint(tf, tmp_path):
    """TensorFlow restores `save_counter` with the rest, so the next save after restoring `ckpt-1` is
    `ckpt-2`, not a second `ckpt-1`."""
    checkpoint = tf.train.Checkpoint(steps=tf.Variable(np.int64(0)))
    checkpoint.restore(tf.train.latest_checkpoint(FOLDER))
    assert int(checkpoint.save_counter.numpy()) == 1
    assert os.path.basename(checkpoint.save(str(tmp_path / "ckpt"))) == "ckpt-2"
