"""What SimpleRNN, LSTM and GRU share: the cell's arguments and weights, and the layer that wraps it.

A layer such as `LSTM(units, ...)` is `RNN(LSTMCell(units, ...))` with the cell's arguments exposed on
the layer and flattened into one config, as Keras writes it. Keras 1 spellings (`output_dim`,
`init`, `inner_init`, `inner_activation`, `dropout_W`, `dropout_U`, `W_regularizer`...) are mapped
here once for all three.
"""
import numbers

import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.backend.naming import to_snake_case
from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import to_torch
from tkeras.layers.rnn.base_rnn import RNN, pop_sequence_input_shape
from tkeras.layers.rnn.dropout_cell import DropoutRNNCell
from tkeras.ops.random import SeedGenerator

KERAS1_NAMES = {
    "output_dim": "units", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation", "dropout_W": "dropout", "dropout_U": "recurrent_dropout",
    "W_regularizer": "kernel_regularizer", "U_regularizer": "recurrent_regularizer",
    "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
    "U_constraint": "recurrent_constraint", "b_constraint": "bias_constraint",
}
# Keras 1 arguments with no effect today (how to lay out the computation, a dropped feature).
KERAS1_IGNORED = ("consume_less", "forget_bias_init")

# The arguments that belong to the RNN wrapper (and the base Layer); everything else is the cell's.
LAYER_KEYS = {"return_sequences", "return_state", "go_backwards", "stateful", "unroll",
              "zero_output_for_mask", "name", "trainable", "dtype", "activity_regularizer",
              "input_shape", "batch_input_shape", "batch_size", "weights", "input_dtype",
              "time_major", "implementation", "use_cudnn"}


def apply_keras1_names(kwargs):
    for old, new in KERAS1_NAMES.items():
        if old in kwargs:
            kwargs[new] = kwargs.pop(old)
    if kwargs.pop("forget_bias_init", "one") not in ("one", "ones"):
        kwargs["unit_forget_bias"] = False
    kwargs.pop("consume_less", None)
    return kwargs


def _rate(owner, name, value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{owner}: {name} must be a number in [0, 1], received {name}={value!r}")
    return min(value, 1.0)


# Keras 3's order of a cell's config (LSTMCell's unit_forget_bias, GRUCell's reset_after among them).
CELL_CONFIG_ORDER = ("name", "trainable", "dtype", "units", "activation", "recurrent_activation", "use_bias",
                     "unit_forget_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
                     "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                     "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "reset_after", "seed")


class RecurrentCell(DropoutRNNCell, Layer):
    """Base of the built-in cells: validated arguments and Keras-layout weights."""

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zero states. Keras 3 spells it `get_initial_state(batch_size)` and gets a list of states;
        tf-keras 2 spells it `get_initial_state(inputs=None, batch_size=None, dtype=None)` and gets a
        single tensor for a one-state cell (SimpleRNNCell, GRUCell), a list for LSTMCell. A call
        with `inputs` or `dtype` is answered in tf-keras' form, one with only a batch size in Keras 3's."""
        keras3 = dtype is None and (inputs is None or isinstance(inputs, numbers.Integral))
        if isinstance(inputs, numbers.Integral):
            if batch_size is not None:
                raise ValueError(f"{type(self).__name__}.get_initial_state: received a batch size twice "
                                 f"({inputs} positionally and batch_size={batch_size})")
            inputs, batch_size = None, int(inputs)
        if batch_size is None:
            if inputs is None:
                raise ValueError(f"{type(self).__name__}.get_initial_state: pass `batch_size` or `inputs` "
                                 f"(whose first axis is the batch)")
            batch_size = int(inputs.shape[0])
        if dtype is None:
            dtype = inputs.dtype if isinstance(inputs, torch.Tensor) and inputs.is_floating_point() \
                else self.torch_dtype
        elif not isinstance(dtype, torch.dtype):
            from tkeras.backend import config
            dtype = config.standardize_dtype(getattr(dtype, "name", dtype))
        from tkeras.backend import config
        device = inputs.device if isinstance(inputs, torch.Tensor) else config.device()
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        states = [torch.zeros((batch_size, int(size)), dtype=dtype, device=device) for size in sizes]
        return states if keras3 or len(states) > 1 else states[0]

    get_initial_state._zero_states = True  # RNN makes its own zeros (dtype and device of the sequence)

    def __init__(self, units=None, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        owner = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
            raise ValueError(f"{owner}: units must be a positive integer, received units={units!r}")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(owner, "dropout", dropout)
        self.recurrent_dropout = _rate(owner, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        # As Keras' cells: a generator whose state is listed in `variables` (masks here come from torch's
        # generator). Only an integer seeds it; Keras refuses others, which tkeras' cells have accepted.
        integer_seed = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
        self.seed_generator = SeedGenerator(seed if integer_seed else None)

    def __call__(self, inputs, states=None, *args, **kwargs):
        # A cell called on its own (`cell(x, [h, c])`) may get NumPy states; the RNN loop calls `call`.
        if states is not None:
            given = states
            many = isinstance(states, (list, tuple))
            states = [s if isinstance(s, torch.Tensor) else to_torch(s, self.dtype)
                      for s in (states if many else [states])]
            converted = states if many else states[0]
            if not self._has_dropout():
                return super().__call__(inputs, converted, *args, **kwargs)
            self._begin_hand_step(given)
            result = None
            try:
                result = super().__call__(inputs, converted, *args, **kwargs)
            finally:
                self._end_hand_step(result)
            return result
        return super().__call__(inputs, *args, **kwargs)

    def _make_weights(self, input_shape, gates, bias_shape, bias_initializer=None):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} {self.name!r}: the feature dimension of the input "
                             f"must be known, received input shape {input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, gates * self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=(self.units, gates * self.units),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return config


class RecurrentLayer(RNN):
    """SimpleRNN/LSTM/GRU: an RNN that makes its own cell from the layer's arguments."""

    cell_class = None

    def __init__(self, **kwargs):
        apply_keras1_names(kwargs)
        pop_sequence_input_shape(kwargs)
        cell_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k not in LAYER_KEYS}
        cell_name = to_snake_case(self.cell_class.__name__)
        try:
            cell = self.cell_class(name=cell_name, dtype=kwargs.get("dtype"), **cell_kwargs)
        except TypeError as exc:
            raise TypeError(str(exc).replace(self.cell_class.__name__, type(self).__name__, 1)) from None
        super().__init__(cell, **kwargs)

    # Keras 3 writes the cell's arguments in this order, with the layer's activity_regularizer among
    # them; SimpleRNN leaves out its seed.
    _CONFIG_ORDER = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                     "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                     "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                     "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "reset_after", "seed")
    _CONFIG_OMITS = ()

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape") + self._CONFIG_OMITS:
            cell_config.pop(key, None)
        cell_config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        for key in self._CONFIG_ORDER:
            if key in cell_config:
                config[key] = cell_config.pop(key)
        config.update(cell_config)
        return config


def _cell_attribute(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


for _name in ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
              "dropout", "recurrent_dropout", "unit_forget_bias", "reset_after", "seed"):
    setattr(RecurrentLayer, _name, _cell_attribute(_name))
