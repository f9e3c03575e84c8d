"""Keras 3 Layer methods and properties beyond the Keras 2 contract, mixed into `Layer`.

`add_variable` (the Keras 3 spelling of `add_weight`), `compute_output_spec` / `symbolic_call`
(shape and dtype inference on KerasTensors), `input_dtype`, `path`, `quantization_mode`, `metrics`
and `metrics_variables`, and the hooks Keras 3 gives every layer for quantization (`quantize`,
`quantized_build`, `quantized_call`: refused by a layer that has no quantized form) and for
rematerialization (`rematerialized_call`).
"""
from tkeras.layers import layer_paths


class Keras3LayerMethods:

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, name=None):
        """Keras 3's other name for `add_weight` (same variable, same tracking). `autocast` is accepted
        for Keras' signature: tkeras' mixed precision runs the layer under torch autocast either way."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               regularizer=regularizer, constraint=constraint, name=name)

    @property
    def path(self):
        """'outer/inner/name' for a layer built while `outer` and `inner` were building; the bare name
        for a layer first called in a functional construction; None before the layer is built."""
        return layer_paths.path_of(self)

    @property
    def input_dtype(self):
        """The dtype the layer computes in (and converts float inputs to): float16 under mixed_float16."""
        return self.compute_dtype

    @property
    def quantization_mode(self):
        """None, or the mode ('int8', ...) `quantize()` put this layer in."""
        return getattr(self.dtype_policy, "quantization_mode", None)

    @property
    def metrics(self):
        """Metric objects held as attributes of this layer and of its sublayers."""
        found = [value for value in vars(self).values() if _is_metric(value)]
        for layer in self._flatten_layers(include_self=False):
            found.extend(value for value in vars(layer).values() if _is_metric(value))
        return found

    @property
    def metrics_variables(self):
        """The variables of every metric in `metrics`."""
        result = []
        for metric in self.metrics:
            result.extend(metric.variables)
        return result

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) of the shape and dtype this layer returns for KerasTensor inputs (no graph node
        is recorded; calling the layer on KerasTensors records one)."""
        from tkeras.backend.keras_tensor import KerasTensor
        from tkeras.models import functional_call
        from tkeras.utils import tree
        if args:
            inputs, args = args[0], args[1:]
        else:
            inputs = kwargs.pop("inputs")
        shapes = functional_call._input_shapes(inputs)
        if not self.built:
            self._build_from_shape(shapes)
        specs = None
        if not any(isinstance(t, KerasTensor) for t in tree.flatten([list(args), list(kwargs.values())])):
            try:
                specs = functional_call._specs_from_shapes(self, self.compute_output_shape(shapes), inputs)
            except NotImplementedError:
                specs = None
        if specs is None:
            specs = functional_call._specs_by_dry_run(self, inputs, args, kwargs)
        return tree.map_structure(lambda s: KerasTensor(s.shape, dtype=s.dtype), specs)

    def symbolic_call(self, *args, **kwargs):
        """Keras 3 (Layer): the output spec of a call on KerasTensors, `compute_output_spec`'s."""
        return self.compute_output_spec(*args, **kwargs)

    # -- quantization hooks (Dense and EinsumDense implement int8: layers/core/int8_quantization.py) --
    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize this layer's weights in place. The base layer has no quantized form."""
        raise NotImplementedError(_no_quantized_form(self, "quantize"))

    def quantized_build(self, input_shape, mode):
        """Make the variables of the quantized form. The base layer has no quantized form."""
        raise NotImplementedError(_no_quantized_form(self, "quantized_build"))

    def quantized_call(self, *args, **kwargs):
        """The forward pass of a quantized layer. tkeras' quantized layers take their quantized path
        inside `call` (by their dtype policy), so this runs `call` once the layer is quantized."""
        mode = self.quantization_mode
        if mode is None:
            raise NotImplementedError(f"{type(self).__name__} {self.name!r} is not quantized (dtype policy "
                                      f"{self.dtype_policy.name!r}); quantized_call() needs quantize() first")
        import numpy as np
        import torch
        from tkeras.backend import config
        from tkeras.utils import tree

        def as_tensor(value):
            if not isinstance(value, np.ndarray):
                return value
            return torch.as_tensor(value, dtype=config.standardize_dtype(self.compute_dtype))
        return self.call(*tree.map_structure(as_tensor, list(args)), **kwargs)

    # -- rematerialization ---------------------------------------------------------------------------
    def rematerialized_call(self, layer_call, *args, **kwargs):
        """`layer_call` as the RematScope this layer was made in asks: recomputed in the backward pass
        ("full", "larger_than" for outputs above the threshold, "list_of_layers" naming this layer),
        its activation alone recomputed ("activations"), or unchanged (no scope)."""
        from tkeras.backend.remat import remat
        from tkeras.layers import layer_remat
        scope = self.__dict__.get("_remat_scope")
        if scope is None:
            return layer_call
        if scope.mode == "activations":
            if getattr(self, "activation", None) is None:
                return layer_call

            def call_with_rematerialized_activation(*call_args, **call_kwargs):
                with layer_remat._swapped_activation(self):
                    return layer_call(*call_args, **call_kwargs)
            return call_with_rematerialized_activation
        if scope.mode == "full" or (scope.mode == "list_of_layers" and self.name in scope.layer_names):
            return remat(layer_call)
        if scope.mode == "larger_than" and args and \
                layer_remat._output_size(self, args[0]) > scope.output_size_threshold:
            return remat(layer_call)
        return layer_call


def _no_quantized_form(layer, method):
    return (f"{type(layer).__name__} {layer.name!r} has no `{method}` method implemented: it has no quantized "
            f"form (tkeras quantizes Dense and EinsumDense, mode 'int8')")


def _is_metric(value):
    from tkeras.metrics.metric import Metric
    return isinstance(value, Metric)
