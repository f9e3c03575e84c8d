"""Keras 3 Layer methods and properties beyond the Keras 2 contract, mixed into `Layer`.

`add_variable` (the Keras 3 spelling of `add_weight`), `compute_output_spec` / `symbolic_call`
(shape and dtype inference on KerasTensors), `input_dtype`, `path`, `quantization_mode`, `metrics`
and `metrics_variables`.
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


def _is_metric(value):
    from tkeras.metrics.metric import Metric
    return isinstance(value, Metric)
