"""fit() never waits on the device inside a step: the GPU runs ahead of Python.

A host sync is any read of a tensor's value into Python (`.item()`, `float()`, `bool()`, `.tolist()`,
`.numpy()`, `.cpu()`, data-dependent shapes). Counted with a TorchFunctionMode, which sees those calls
on any device, so the test means the same on this CPU machine as on a GPU. The optimizer's step count
and learning rate are CPU scalars by design (reading them costs no device wait) and are not counted.
"""
import collections

import numpy as np
import pytest
from torch.overrides import TorchFunctionMode

import tkeras as keras
from tkeras import layers

_SYNCS = {"item", "__bool__", "__float__", "__int__", "__index__", "tolist", "numpy", "cpu",
          "nonzero", "masked_select", "unique", "argwhere"}


class _CountSyncs(TorchFunctionMode):
    def __init__(self, exempt):
        super().__init__()
        self.exempt = {id(v) for v in exempt}
        self.counts = collections.Counter()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in _SYNCS and not (args and id(args[0]) in self.exempt):
            self.counts[name] += 1
        return func(*args, **(kwargs or {}))


def _syncs_in_one_epoch(model, x, y, samples):
    with _CountSyncs(model.optimizer.variables) as mode:
        model.fit(x[:samples], y[:samples], batch_size=8, epochs=1, verbose=0)
    return sum(mode.counts.values())


def _per_step_syncs(model, x, y):
    _syncs_in_one_epoch(model, x, y, 16)  # builds everything first
    # 4 steps, then 16 steps: whatever grows with the step count happens inside a step.
    return (_syncs_in_one_epoch(model, x, y, 128) - _syncs_in_one_epoch(model, x, y, 32)) / 12


def _data(sequence=False):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 128)
    if not sequence:
        return rng.standard_normal((128, 10)).astype("float32"), y
    x = rng.integers(1, 50, (128, 12))
    x[:, :4] = 0  # pad_sequences' default: zeros in front
    return x, y


@pytest.mark.parametrize("optimizer", ["adam", keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True)])
def test_a_dense_classifier_step_reads_nothing_back(optimizer):
    model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert _per_step_syncs(model, *_data()) == 0


def test_a_schedule_and_clipping_read_nothing_back():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=5, decay_rate=0.9)
    model = keras.Sequential([keras.Input((10,)), layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(schedule, global_clipnorm=1.0),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert _per_step_syncs(model, *_data()) == 0


@pytest.mark.parametrize("rnn", [layers.LSTM, layers.GRU, layers.SimpleRNN])
def test_an_unmasked_recurrent_step_reads_nothing_back(rnn):
    model = keras.Sequential([keras.Input((12,)), layers.Embedding(50, 8), rnn(8),
                              layers.Dense(3, activation="softmax")])
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["acc"])
    assert _per_step_syncs(model, *_data(sequence=True)) == 0


def test_a_masked_recurrent_layer_reads_its_lengths_once_per_call():
    """Packing a padded batch for the fused kernel needs the lengths on the host: one transfer
    (`.cpu()`) per masked RNN call, and the values read from that host copy, never from the device."""
    model = keras.Sequential([keras.Input((12,)), layers.Embedding(50, 8, mask_zero=True), layers.LSTM(8),
                              layers.Dense(3, activation="softmax")])
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["acc"])
    x, y = _data(sequence=True)
    _syncs_in_one_epoch(model, x, y, 16)
    with _CountSyncs(model.optimizer.variables) as mode:
        model.fit(x[:32], y[:32], batch_size=8, epochs=1, verbose=0)
    assert mode.counts["cpu"] == 4  # 4 steps


def test_augmentation_and_attention_steps_read_nothing_back():
    rng = np.random.default_rng(0)
    images = rng.random((128, 8, 8, 1)).astype("float32")
    labels = rng.integers(0, 2, 128)
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.RandomFlip(seed=1), layers.RandomRotation(0.1, seed=2),
                              layers.RandomZoom(0.1), layers.RandomContrast(0.2), layers.Flatten(),
                              layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert _per_step_syncs(model, images, labels) == 0

    tokens = rng.integers(1, 30, (128, 10))
    tokens[:, 7:] = 0
    inputs = keras.Input((10,))
    embedded = layers.Embedding(30, 8, mask_zero=True)(inputs)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(embedded, embedded)
    pooled = layers.GlobalAveragePooling1D()(layers.LayerNormalization()(attended + embedded))
    transformer = keras.Model(inputs, layers.Dense(3, activation="softmax")(pooled))
    transformer.compile("adam", "sparse_categorical_crossentropy")
    assert _per_step_syncs(transformer, tokens, rng.integers(0, 3, 128)) == 0


def test_augmentation_parameters_are_drawn_where_the_images_are():
    """A draw on the host copied to the GPU is a blocking copy, i.e. a wait for the GPU at every step;
    'meta' stands in for the accelerator."""
    for layer in (layers.RandomRotation(0.1), layers.RandomFlip()):
        assert layer.uniform((3,), 0.0, 1.0, device="meta").device.type == "meta"
