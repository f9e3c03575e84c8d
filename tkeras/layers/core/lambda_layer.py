"""Lambda: any function of the inputs, used as a layer (`Lambda(lambda x: K.mean(x, axis=1))`).

The inputs reach the function as torch tensors, so `tkeras.backend`, `tkeras.ops` and plain torch all
work inside it. Its output shape is taken from `output_shape` when given (Keras 1/2 code passes a
shape without the batch axis, or a function of the full input shape), else found by running the
function on zeros. Saving writes the function as Keras 3 does (by name, or a lambda's bytecode; see
`tkeras.saving.function_code`), and loading bytecode needs the caller's `safe_mode=False`.
"""
import inspect
import numbers

import numpy as np
import torch

from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import to_torch
from tkeras.saving import function_code
from tkeras.saving import safe_mode as safe_mode_policy


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer; prefer a Layer subclass for anything with state.

    Args:
        function: called on the inputs (a tensor or a list of tensors); it also receives `mask=` and
            `training=` when its signature names them.
        output_shape: the output shape without the batch axis (a tuple, or a list of them for several
            outputs), or a function of the input shape returning the full shape. Inferred if omitted.
        mask: None (no mask is passed on), a tensor used as the output mask, or a function
            `(inputs, mask) -> mask`.
        arguments: keyword arguments for `function`.
    """

    # The function is user code: it gets raw text as Keras hands it a string tensor
    # (`Lambda(lambda x: tf.strings.lower(x))` on an `Input(dtype="string")`).
    accepts_strings = True

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if isinstance(mask, dict) and arguments is None:
            # Keras 1's signature was Lambda(function, output_shape, arguments): a dict in third place
            # is its arguments (a mask is a tensor or a function, never a dict).
            mask, arguments = None, mask
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda layer {self.name!r}: function must be callable, received {function!r} "
                            f"of type {type(function).__name__}")
        if output_shape is not None and not callable(output_shape):
            output_shape = _shape_structure(output_shape, f"Lambda layer {self.name!r}: output_shape")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(f"Lambda layer {self.name!r}: arguments must be a dict of keyword arguments for the "
                            f"function, received {arguments!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):  # some builtins have no signature: they take neither
            params = {}
        self._fn_expects_mask_arg = "mask" in params
        self._fn_expects_training_arg = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self._tensor_arguments())
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def _tensor_arguments(self):
        """`arguments` with NumPy arrays as tensors on the compute device (made once): TensorFlow took
        `x * array` in stride, torch does not mix an array into a graph that needs gradients."""
        cached = self.__dict__.get("_arguments_cache")
        if cached is None or cached[0] is not self.arguments:
            converted = {k: to_torch(v, self.compute_dtype, self.name) if isinstance(v, np.ndarray) else v
                         for k, v in self.arguments.items()}
            cached = (self.arguments, converted)
            self.__dict__["_arguments_cache"] = cached
        return cached[1]

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        if self.mask is None or isinstance(self.mask, torch.Tensor):
            return self.mask
        return torch.as_tensor(self.mask)

    @property
    def _output_spec_by_dry_run(self):
        """Without `output_shape` the functional API runs the function on the real inputs' specs, so the
        output keeps the dtype the function gives (functional_call.py)."""
        return self._output_shape is None

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_output_shape(input_shape)
        if callable(self._output_shape):
            return _shape_structure(self._output_shape(input_shape),
                                    f"Lambda layer {self.name!r}: the output_shape function's result")
        batch = _first_shape(input_shape)
        batch = batch[0] if batch else None
        if isinstance(self._output_shape, tuple):
            return (batch,) + self._output_shape
        if isinstance(self._output_shape, dict):
            return {k: (batch,) + s for k, s in self._output_shape.items()}
        return [(batch,) + s for s in self._output_shape]

    def _infer_output_shape(self, input_shape):
        """Run the function on zero batches of two sizes (the functional API's dry run); dims that follow
        the probe size are unknown. A function that fails on zeros of the layer's dtype needs output_shape."""
        from tkeras.backend.keras_tensor import KerasTensor
        from tkeras.models.functional_call import _specs_by_dry_run

        def placeholder(shape):
            return KerasTensor(shape, dtype=self.compute_dtype)

        def placeholders(shapes):  # nested as the inputs are: Lambda(f)([x, [a, b]])
            if _is_shape(shapes):
                return placeholder(shapes)
            if isinstance(shapes, dict):
                return {k: placeholders(s) for k, s in shapes.items()}
            return [placeholders(s) for s in shapes]

        def shapes_of(specs):
            if isinstance(specs, dict):
                return {k: shapes_of(s) for k, s in specs.items()}
            if isinstance(specs, (list, tuple)):
                return [shapes_of(s) for s in specs]
            return specs.shape

        try:
            specs = _specs_by_dry_run(self, placeholders(input_shape), (), {})
        except Exception as error:
            raise NotImplementedError(
                f"Lambda layer {self.name!r}: could not infer the output shape for input shape {input_shape} by "
                f"running the function on zeros ({error}). Pass output_shape= to the Lambda layer.") from error
        return shapes_of(specs)

    def get_config(self):
        owner = f"Lambda layer {self.name!r}"
        config = super().get_config()
        config["function"] = function_code.function_to_config(self.function, f"{owner}, function")
        if self._output_shape is not None:
            config["output_shape"] = (
                function_code.function_to_config(self._output_shape, f"{owner}, output_shape")
                if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = (function_code.function_to_config(self.mask, f"{owner}, mask") if callable(self.mask)
                              else function_code.encode_value(self.mask, f"{owner}, mask"))
        config["arguments"] = function_code.encode_value(self.arguments, f"{owner}, arguments")
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Keras 3's config, and Keras 1/2's (`function_type`, `module`, `output_shape_type`, ...).

        Bytecode is refused unless the load call that got here was given `safe_mode=False` (files pass
        `config_compat.check_safe` first), `safe_mode=False` is passed here, or
        `keras.config.enable_unsafe_deserialization()` was called: a direct `from_config` refuses it too.
        """
        config = dict(config)
        if safe_mode is None:  # a load call decides (its safe_mode argument); a direct call refuses
            safe_mode = not safe_mode_policy.bytecode_allowed()
        owner = f"Lambda layer {config.get('name', 'lambda')!r}"
        module = config.pop("module", None)  # Keras 2: the function's module
        kinds = {key: config.pop(f"{key}_type", None) for key in ("function", "output_shape", "mask")}
        modules = {"function": module, "output_shape": config.pop("output_shape_module", None),
                   "mask": config.pop("mask_module", None)}

        def load(key):
            value = config[key]
            bytecode = kinds[key] == "lambda"
            if safe_mode and (bytecode or function_code.is_lambda_config(value)):
                from tkeras.saving.errors import UnsafeLoadError
                raise UnsafeLoadError(f"{owner}: its {key} is Python bytecode; loading it would run code from "
                                      f"the config. If you trust its source, pass safe_mode=False.")
            return function_code.function_from_config(value, f"{owner}, {key}", custom_objects, bytecode,
                                                      modules[key])

        config["function"] = load("function")
        shape = config.get("output_shape")
        if shape is not None:
            names_function = kinds["output_shape"] in ("lambda", "function") or isinstance(shape, str) or (
                isinstance(shape, dict) and "class_name" in shape)
            config["output_shape"] = load("output_shape") if names_function else shape
        mask = config.get("mask")
        if mask is not None:
            names_function = kinds["mask"] in ("lambda", "function") or isinstance(mask, str) or (
                isinstance(mask, dict) and mask.get("class_name") not in ("__tensor__", "__numpy__"))
            config["mask"] = load("mask") if names_function else function_code.decode_value(mask)
            if not callable(config["mask"]):
                config["mask"] = torch.as_tensor(config["mask"])
        config["arguments"] = function_code.decode_value(config.get("arguments"))
        return cls(**config)


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, numbers.Integral) and not isinstance(d, bool)) for d in value)


def _shape_structure(value, what):
    """A shape -> a tuple; several shapes (list, tuple or dict of them) -> a list (dict) of tuples."""
    if _is_shape(value):
        return tuple(None if d is None else int(d) for d in value)
    if isinstance(value, dict) and all(_is_shape(v) for v in value.values()):
        return {k: _shape_structure(v, what) for k, v in value.items()}
    if isinstance(value, (tuple, list)) and value and all(_is_shape(v) for v in value):
        return [_shape_structure(v, what) for v in value]
    raise TypeError(f"{what} must be a shape (a tuple of ints/None), a list of shapes, or a function of the "
                    f"input shape; received {value!r}")


def _first_shape(input_shape):
    if _is_shape(input_shape):
        return tuple(input_shape)
    if isinstance(input_shape, dict):
        return _first_shape(next(iter(input_shape.values()))) if input_shape else ()
    return _first_shape(input_shape[0]) if input_shape else ()
