"""Keras 1/2 layer names that Keras removed, for old scripts under the import hook (`keras.layers.X`).

- `Merge` (Keras 1): merges the outputs of several layers or Sequential branches with one mode, and
  can be the first layer of a Sequential model, which then takes one input array per branch:

      left, right = Sequential([Dense(32, input_dim=784)]), Sequential([Dense(32, input_dim=784)])
      model = Sequential([Merge([left, right], mode='concat'), Dense(10, activation='softmax')])
      model.fit([x_left, x_right], y)

  Each mode is one of the Keras 2 merge layers (`merge(mode=...)` uses the same table).
- `CuDNNLSTM` / `CuDNNGRU` (Keras 2.0.9-2.3, tf.keras 1.x): the cuDNN-only recurrent layers. Here they
  build an `LSTM` / `GRU` with cuDNN's maths (tanh, sigmoid gates; GRU with reset_after=True), which
  runs on cuDNN on a GPU and on the CPU too; saved models hold plain LSTM/GRU layers.
- `Highway` and `MaxoutDense` (Keras 1): `layers/core/keras1_dense.py`.
- `TimeDistributedDense` (Keras 1) and `ThresholdedReLU` (Keras 2, removed in Keras 3) as the layers
  that compute the same: `TimeDistributed(Dense(...))` and `ReLU(threshold=theta)`.
"""
from tkeras.layers.core.keras1_dense import Highway, MaxoutDense  # noqa: F401
from tkeras.layers.activations.relu import ReLU
from tkeras.layers.core.dense import Dense
from tkeras.layers.layer import Layer
from tkeras.layers.merging.legacy_merge import merge_layer
from tkeras.layers.rnn.gru import GRU
from tkeras.layers.rnn.lstm import LSTM
from tkeras.layers.rnn.time_distributed import TimeDistributed


class Merge(Layer):
    """Keras 1's Merge layer (see the module docstring); `layers` are the branches, if any."""

    def __init__(self, layers=None, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
                 arguments=None, node_indices=None, tensor_indices=None, name=None):
        super().__init__(name=name)
        self.mode, self.concat_axis, self.dot_axes = mode, concat_axis, dot_axes
        self._branches = []
        for i, branch in enumerate(layers or []):
            if not isinstance(branch, Layer):
                raise TypeError(f"Merge: layers must be Keras layers or models (the branches to merge), received "
                                f"{type(branch).__name__} at position {i}; to merge tensors use "
                                f"merge([a, b], mode={mode!r}) or keras.layers.Concatenate()([a, b])")
            setattr(self, f"branch_{i}", branch)
            self._branches.append(branch)
        self.combiner = merge_layer(mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape,
                                    arguments=arguments)

    @property
    def implied_input_shape(self):
        """The branches' input shapes when all are known (a Sequential built from them prints its summary)."""
        shapes = [getattr(b, "_input_batch_shape", None) or getattr(b, "_batch_input_shape", None)
                  for b in self._branches]
        return [tuple(s) for s in shapes] if shapes and all(s is not None for s in shapes) else None

    def _branch_inputs(self, inputs):
        if not self._branches:
            return list(inputs)
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(inputs) != len(self._branches):
            raise ValueError(f"Merge layer {self.name!r} has {len(self._branches)} branches and needs one input "
                             f"array per branch (model.fit([x_1, ..., x_{len(self._branches)}], y)); received "
                             f"{len(inputs)} input(s)")
        return inputs

    def build(self, input_shape):
        shapes = self._branch_inputs(input_shape)
        outputs = []
        for branch, shape in zip(self._branches, shapes):
            if not branch.built:
                branch._build_from_shape(tuple(shape))
            outputs.append(tuple(branch.compute_output_shape(tuple(shape))))
        if not self._branches:
            outputs = [tuple(s) for s in shapes]
        if not self.combiner.built:
            self.combiner._build_from_shape(outputs)
        self.built = True

    def call(self, inputs, training=None):
        inputs = self._branch_inputs(inputs)
        if self._branches:
            inputs = [branch(x, training=training) for branch, x in zip(self._branches, inputs)]
        return self.combiner(inputs)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in self._branch_inputs(input_shape)]
        if self._branches:
            shapes = [tuple(b.compute_output_shape(s)) for b, s in zip(self._branches, shapes)]
        return self.combiner.compute_output_shape(shapes)

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode, "concat_axis": self.concat_axis, "dot_axes": self.dot_axes})
        return config


def CuDNNLSTM(units, **kwargs):  # noqa: N802 - Keras' class name
    """An LSTM with cuDNN's activations (Keras 2's CuDNNLSTM took no activation arguments)."""
    return LSTM(units, activation="tanh", recurrent_activation="sigmoid", **kwargs)


def CuDNNGRU(units, **kwargs):  # noqa: N802
    """A GRU as cuDNN computes it: tanh, sigmoid gates, the reset gate applied after the matrix product."""
    return GRU(units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs)


def TimeDistributedDense(output_dim, **kwargs):  # noqa: N802
    """Keras 1's per-step Dense: the same Dense applied to every step of a sequence."""
    wrapper_args = {key: kwargs.pop(key) for key in ("input_shape", "input_dim", "input_length", "batch_input_shape",
                                                      "name") if key in kwargs}
    if "input_dim" in wrapper_args:  # Keras 1: input_dim (and input_length) described (steps, features)
        wrapper_args["input_shape"] = (wrapper_args.pop("input_length", None), wrapper_args.pop("input_dim"))
    wrapper_args.pop("input_length", None)
    return TimeDistributed(Dense(output_dim, **kwargs), **wrapper_args)


def ThresholdedReLU(theta=1.0, **kwargs):  # noqa: N802
    """x where x > theta, else 0 (Keras 2's ThresholdedReLU; ReLU's threshold gives the same values)."""
    return ReLU(threshold=theta, **kwargs)
