"""Layers put into a list or dict attribute after it was assigned are tracked, as in Keras.

keras-io's ShiftViT writes `self.stages = list()` and appends a block per stage; its `train_step` reads
`stage.trainable_variables` and Keras lists every stage weight in `model.trainable_variables`. The
expected orders below are what Keras 3.15 and tf.keras 2.21 report for the same classes.
"""
import copy

import numpy as np

import tkeras as keras
from tkeras import layers


class _FilledInBuild(layers.Layer):
    def build(self, input_shape):
        self.blocks = list()
        for _ in range(2):
            self.blocks.append(layers.Dense(3))

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class _Stages(keras.Model):
    def __init__(self):
        super().__init__()
        self.stages = []
        self.stages.append(layers.Dense(2, name="a"))
        self.head = layers.Dense(3, name="head")
        self.stages.append(layers.Dense(4, name="b"))
        self.stages += [layers.Dense(5, name="c")]
        self.by_name = {}
        self.by_name["d"] = layers.Dense(6, name="d")
        self.stages.pop(0)

    def call(self, x):
        for stage in self.stages:
            x = stage(x)
        return self.head(x) + self.by_name["d"](x)[:, :3]


def test_layers_appended_in_build_are_sublayers():
    outer = keras.Sequential([_FilledInBuild(), _FilledInBuild()])
    outer(np.ones((1, 3), "float32"))
    assert len(outer.layers[0].trainable_variables) == 4
    assert len(outer.trainable_variables) == 8


def test_membership_changes_keep_keras_tracking_order():
    model = _Stages()
    model(np.ones((1, 3), "float32"))
    assert [layer.name for layer in model.layers] == ["head", "b", "c", "d"]
    assert [tuple(w.shape) for w in model.weights] == [(5, 3), (3,), (3, 4), (4,), (4, 5), (5,), (5, 6), (6,)]
    assert isinstance(model.stages, list) and model.stages == [model.stages[0], model.stages[1]]


def test_removed_layer_is_forgotten_and_copies_are_plain():
    holder = layers.Layer()
    holder.parts = [layers.Dense(1), layers.Dense(2)]
    removed = holder.parts.pop()
    assert removed not in holder._flatten_layers(include_self=False)
    assert type(copy.deepcopy(holder.parts)) is list and type(copy.copy(holder.parts)) is list


def test_plain_value_lists_stay_plain():
    holder = layers.Layer()
    holder.sizes = [3, 3]
    holder._private = []
    assert type(holder.sizes) is list and type(holder._private) is list
