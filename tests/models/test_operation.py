"""keras.Operation and keras.Function: user ops eagerly and inside functional graphs, against NumPy."""
import numpy as np
import pytest

import tkeras as keras


class Scale(keras.Operation):
    def __init__(self, factor, bias=1.0, name=None):
        super().__init__(name=name)
        self.factor, self.bias = factor, bias

    def call(self, x):
        return x * self.factor + self.bias

    def compute_output_spec(self, x):
        return keras.KerasTensor(x.shape, dtype=x.dtype)


class SumAndDifference(keras.Operation):
    """No compute_output_spec: the graph recorder finds the outputs by a dry run of call."""

    def call(self, x, y):
        return x + y, x - y


X = np.arange(8, dtype="float32").reshape(2, 4)
Y = np.full((2, 4), 2.0, "float32")


def test_an_operation_runs_eagerly():
    np.testing.assert_allclose(np.asarray(Scale(3.0)(X)), X * 3 + 1)


def test_an_operation_records_a_node_on_keras_tensors_and_runs_in_a_model():
    x, y = keras.Input((4,)), keras.Input((4,))
    scaled = Scale(2.0, bias=0.5)(x)
    assert isinstance(scaled, keras.KerasTensor) and scaled.shape == (None, 4)
    total, difference = SumAndDifference()(scaled, y)
    assert total.shape == difference.shape == (None, 4)
    model = keras.Model([x, y], [keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)(total), difference])
    out_total, out_difference = model.predict([X, Y], verbose=0)
    np.testing.assert_allclose(out_total, (X * 2 + 0.5 + Y).sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(out_difference, X * 2 + 0.5 - Y)


def test_compute_output_spec_decides_the_symbolic_shape_and_dtype():
    class Halve(keras.Operation):
        def call(self, x):
            return x[:, : x.shape[1] // 2].int()

        def compute_output_spec(self, x):
            return keras.KerasTensor((x.shape[0], x.shape[1] // 2), dtype="int32")

    out = Halve()(keras.Input((6,)))
    assert (out.shape, out.dtype) == ((None, 3), "int32")


def test_config_is_made_from_the_constructor_arguments():
    op = Scale(3.0, name="triple")
    assert op.get_config() == {"name": "triple", "factor": 3.0, "bias": 1.0}
    restored = Scale.from_config(op.get_config())
    assert (restored.name, restored.factor, restored.bias) == ("triple", 3.0, 1.0)
    assert Scale(1.0).name.startswith("scale")


def test_an_operation_without_call_says_so():
    with pytest.raises(NotImplementedError, match="Bare must implement call"):
        type("Bare", (keras.Operation,), {})()(X)
    with pytest.raises(ValueError, match="without '/'"):
        Scale(1.0, name="a/b")


def test_function_runs_its_graph():
    x = keras.Input((4,))
    y = keras.ops.sum(Scale(2.0)(x), axis=-1)
    function = keras.Function(x, y, name="f")
    np.testing.assert_allclose(np.asarray(function(X)), (X * 2 + 1).sum(axis=1))
    assert function.inputs == [x] and function.outputs == [y] and len(function.operations) == 3
    spec = function.compute_output_spec(keras.KerasTensor((None, 4)))
    assert spec.shape == (None,)
    with pytest.raises(ValueError, match="do not match"):
        function.compute_output_spec(keras.KerasTensor((None, 5)))
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        keras.Function(x, np.ones(3))


def test_an_operation_made_in_a_remat_scope_recomputes_in_backward():
    import torch

    class Counted(keras.Operation):
        runs = 0

        def call(self, x):
            Counted.runs += 1
            return torch.sin(x) * 2

    with keras.RematScope(mode="full"):
        op = Counted()
    x = torch.linspace(0, 1, 5, requires_grad=True)
    op(x).sum().backward()
    assert Counted.runs == 2  # forward, then again in backward
    torch.testing.assert_close(x.grad, 2 * torch.cos(x.detach()))
    inputs = keras.Input((5,))
    model = keras.Model(inputs, op(inputs))
    Counted.runs = 0
    model(x[None].detach().requires_grad_(True)).sum().backward()
    assert Counted.runs == 2
