"""A subclassed Model with the default build, first called on a dict of Inputs that includes text
(`Input(dtype="string")`), builds on probes of each input's own dtype as Keras 3's symbolic build does:
a StringLookup inside sees strings, not float zeros (keras-io's structured-data feature preprocessor)."""
import numpy as np

import tkeras


class _Preprocessor(tkeras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lookup = tkeras.layers.StringLookup(vocabulary=["red", "green"])
        self.scale = tkeras.layers.Dense(1, kernel_initializer="ones", use_bias=False)

    def call(self, inputs):
        indices = tkeras.ops.cast(self.lookup(inputs["colour"]), "float32")
        return tkeras.ops.concatenate([indices, self.scale(inputs["size"])], axis=-1)


def test_symbolic_first_call_with_text_inputs_builds_and_runs():
    inputs = {"colour": tkeras.Input(shape=(1,), dtype="string", name="colour"),
              "size": tkeras.Input(shape=(2,), dtype="float32", name="size")}
    preprocessor = _Preprocessor()
    outputs = preprocessor(inputs)
    assert tuple(outputs.shape) == (None, 2)
    assert preprocessor.built and preprocessor.scale.kernel.shape == (2, 1)
    model = tkeras.Model(inputs, outputs)
    data = {"colour": np.array([["green"], ["blue"], ["red"]], dtype=object),
            "size": np.array([[1.0, 2.0], [0.5, 0.5], [3.0, 0.0]], dtype="float32")}
    expected = np.array([[2.0, 3.0], [0.0, 1.0], [1.0, 3.0]], dtype="float32")  # OOV -> 0, then 1-based
    np.testing.assert_allclose(tkeras.ops.convert_to_numpy(model(data)), expected)
