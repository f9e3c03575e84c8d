"""Calling a layer on KerasTensors: build it, infer its output shapes, record the call as a Node.

`Layer.__call__` routes here whenever an input is symbolic. Nothing is computed: the layer is built from
the input shapes, its `compute_output_shape` gives the output shapes (or, for layers that cannot say,
a dry run on small zero batches does), and the returned KerasTensors remember the node that made them.
`Model(inputs, outputs)` later turns these nodes into a flat execution plan.
"""
import inspect

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.keras_tensor import KerasTensor, register_mask_resolver
from tkeras.layers.layer_build import shape_for_build
from tkeras.layers.layer_paths import building
from tkeras.layers.probe_scope import probing
from tkeras.models.symbolic_masks import mask_of_keras_tensor
from tkeras.utils import tree


register_mask_resolver(mask_of_keras_tensor)


class Node:
    """One call of a layer in a graph: what it was called with and what it returned.

    The node is listed twice: in the called layer's `_inbound_nodes`, and in the `_outbound_nodes` of
    every layer that produced one of its input tensors (once per such tensor, so `Add()([h, h])` is
    listed twice by h's layer, as Keras lists it). Graph utilities walking forward from a layer (to its
    consumers) need the second list; only symbolic calls make nodes, so eager calls pay nothing.
    """

    __slots__ = ("layer", "args", "kwargs", "input_tensors", "output_tensors", "outputs", "index")

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args            # positional arguments, KerasTensors inside (args[0]: the inputs)
        self.kwargs = kwargs        # keyword arguments, possibly with KerasTensors (initial_state=...)
        self.input_tensors = [t for t in tree.flatten([list(args), list(kwargs.values())])
                              if isinstance(t, KerasTensor)]
        self.outputs = outputs      # the structure the call returned
        self.output_tensors = tree.flatten(outputs)
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                _outbound_list(history[0]).append(self)

    @property
    def operation(self):
        """Keras 3's name for the layer this node is a call of."""
        return self.layer

    outbound_layer = operation  # tf-keras 2's name for it

    @property
    def parent_nodes(self):
        return [t.node for t in self.input_tensors]


def _outbound_list(layer):
    nodes = layer.__dict__.get("_outbound_nodes")
    if nodes is None:  # a layer whose __init__ never reached Layer.__init__'s bookkeeping
        nodes = layer.__dict__["_outbound_nodes"] = []
    return nodes


class _Spec:
    """An output's shape and dtype (a leaf for tree.map_structure, unlike a tuple)."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def _input_shapes(inputs):
    """The shapes of the inputs in their structure, nested dicts and lists included, as Keras 3 takes
    `layer({"foo": a, "bar": {"baz": b}})`; a non-tensor leaf gives its `shape` or ()."""
    if isinstance(inputs, KerasTensor):
        return inputs.shape
    if isinstance(inputs, dict):
        return {k: _input_shapes(v) for k, v in inputs.items()}
    if isinstance(inputs, (list, tuple)):
        return [_input_shapes(v) for v in inputs]
    return tuple(getattr(inputs, "shape", ()))


def symbolic_call(layer, inputs, args, kwargs):
    """`layer(keras_tensors, ...)`: returns KerasTensor(s) recording the call (see module docstring)."""
    kwargs = dict(kwargs)
    _check_call_arguments(layer, args, kwargs)
    input_shapes = _input_shapes(inputs)
    if not layer.built:
        try:
            layer._build_from_shape(input_shapes)
        except Exception as error:
            raise _shape_error(layer, input_shapes, error) from error
    _check_symbolic_spec(layer, inputs)
    has_symbolic_extras = any(isinstance(t, KerasTensor) for t in tree.flatten([list(args), list(kwargs.values())]))
    specs = None
    if getattr(layer, "_output_spec_by_dry_run", False):
        # Lambda without output_shape: its function decides the dtype too (a boolean mask from K.not_equal,
        # ids from tf.argmax), as Keras traces it on the real inputs; a failure is reported below with
        # the layer's own advice.
        try:
            specs = _specs_by_dry_run(layer, inputs, args, kwargs)
        except Exception:  # noqa: BLE001 - the shape rule below raises the error worth showing
            specs = None
    shape_rule_applies = not has_symbolic_extras and not _default_shape_rule_cannot_read(
        layer, inputs, input_shapes, args, kwargs)
    if specs is None and shape_rule_applies:
        try:
            specs = _specs_from_shapes(layer, layer.compute_output_shape(shape_for_build(input_shapes)), inputs)
        except NotImplementedError:
            specs = None
        except (ValueError, RuntimeError, TypeError, IndexError) as error:
            raise _shape_error(layer, input_shapes, error) from error
    if specs is None:
        specs = _specs_by_dry_run(layer, inputs, args, kwargs)
        if specs is None:  # call() returned None: as in Keras, the symbolic call gives None back
            return None
    node_index = len(layer._inbound_nodes)
    counter = iter(range(len(tree.flatten(specs))))

    def make(spec):
        i = next(counter)
        name = layer.name if i == 0 else f"{layer.name}_{i}"
        return KerasTensor(spec.shape, dtype=spec.dtype, name=name, producer=(layer, node_index, i))

    outputs = tree.map_structure(make, specs)
    Node(layer, (inputs,) + tuple(args), kwargs, outputs)
    _remember_first_call(layer, inputs, outputs)
    return outputs


def _default_shape_rule_cannot_read(layer, inputs, input_shapes, args=(), kwargs=None):
    """Layer's own compute_output_shape probes a shape or a list of shapes with numbers; for text inputs or
    inputs given as a dict
    or a nested structure (`layer({"foo": a, "bar": {"baz": b}})`, as Keras 3 takes) a layer keeping
    that default is dry-run on the structure itself instead. So is a call given other arguments
    (`encoder(tokens, tf.zeros((2, units)))`): the shape probe has only the inputs to pass, and Keras
    traces the call with all of them."""
    from tkeras.layers.layer import Layer
    if type(layer).compute_output_shape is not Layer.compute_output_shape:
        return False
    if args or any(name not in ("training", "mask") for name in (kwargs or {})):
        return True
    if any(isinstance(t, KerasTensor) and t.dtype == "string" for t in tree.flatten(inputs)):
        return True  # its zero probes are numbers; the dry run probes text with empty strings
    if isinstance(input_shapes, dict):
        return True
    return isinstance(input_shapes, list) and not all(_is_shape(shape) for shape in input_shapes)


def _check_call_arguments(layer, args, kwargs):
    """Arguments `call` cannot take fail now, naming the layer, not when the model first runs."""
    params = inspect.signature(type(layer).call).parameters
    kinds = {p.kind for p in params.values()}
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        unknown = sorted(set(kwargs) - set(params) - {"training", "mask"})
        if unknown:
            accepted = [n for n in params if n not in ("self", "inputs", "training", "mask")]
            takes = f"it also takes {accepted}" if accepted else "it takes only the inputs (and training=/mask=)"
            raise TypeError(f"Layer {layer.name!r} ({type(layer).__name__}): call() got unexpected keyword "
                            f"argument(s) {unknown}; {takes}")
    positional = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if args and inspect.Parameter.VAR_POSITIONAL not in kinds and len(args) > len(positional) - 2:
        raise TypeError(f"Layer {layer.name!r} ({type(layer).__name__}): call() takes "
                        f"{max(len(positional) - 2, 0)} positional argument(s) after the inputs, received "
                        f"{len(args)}")


def _remember_first_call(layer, inputs, outputs):
    """Keras 3's `layer.input` / `layer.output`: the tensors of the layer's first call (feature extraction:
    `Model(base.input, base.get_layer("block3").output)`). Classes defining them as properties keep theirs."""
    state = layer.__dict__
    for attr, value in (("input", inputs), ("output", outputs)):
        if attr not in state and not isinstance(getattr(type(layer), attr, None), property):
            state[attr] = value


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


def _default_dtype(layer, inputs):
    first = next((t for t in tree.flatten(inputs) if isinstance(t, KerasTensor)), None)
    if first is not None and first.dtype == "string" and _keeps_base_output_dtype(layer):
        return "string"  # text reshaped or split stays text (a lookup layer says what it hands out)
    return layer._output_dtype(first.dtype if first is not None else None) or config.floatx()


def _keeps_base_output_dtype(layer):
    from tkeras.layers.layer import Layer
    return getattr(type(layer), "_output_dtype", None) is Layer._output_dtype


def _specs_from_shapes(layer, shapes, inputs):
    if shapes is None:  # no output: left to the dry run, which finds the same None
        return None
    dtype = _default_dtype(layer, inputs)
    if _is_shape(shapes):
        return _Spec(tuple(shapes), dtype)
    if isinstance(shapes, dict):
        return {k: _Spec(tuple(s), dtype) for k, s in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        specs = [_Spec(tuple(s), dtype) for s in shapes]
        return tuple(specs) if type(shapes) is tuple else specs
    raise TypeError(f"compute_output_shape returned {shapes!r}")


def _probe_value(value, sizes):
    """A KerasTensor -> zeros with unknown dims set to `sizes` (batch, other[, axes counted from the end
    that are 1 instead]); an integer value computed from shapes (`tf.shape(x)[-1]`) -> that value,
    recomputed for the probe's sizes."""
    if not isinstance(value, KerasTensor):
        return value
    from_shapes = _recomputed_shape_value(value, sizes)
    if from_shapes is not None:
        return from_shapes
    batch, other = sizes[:2]
    ones = sizes[2] if len(sizes) > 2 else ()
    rank = len(value.shape)
    dims = [d if d is not None else batch if i == 0 else 1 if i - rank in ones else other
            for i, d in enumerate(value.shape)]
    if value.dtype == "string":  # text has no torch dtype: empty strings, as raw text arrives at run time
        return np.full(dims, "", dtype=object)
    return torch.zeros(dims, dtype=config.standardize_dtype(value.dtype), device=config.device())


_SHAPE_VALUE_OPS_DEPTH = 8


def _recomputed_shape_value(value, sizes, depth=0):
    """A scalar or vector of integers made by ops on symbolic tensors (`tf.shape(x)[-1]`, `tf.shape(x)[0] * 5`),
    re-run on probes of the sizes `sizes`, or None for any other tensor.

    keras-io's semantic-image-clustering example reshapes with `tf.shape(y)[-1]` in a functional graph;
    Keras knows that value while tracing (20 for a (None, 20) tensor), where a zero probe would ask the
    reshape for a dimension of 0. The chain is re-run only through op nodes, so no layer's weights are
    involved; an integer computed from values rather than shapes comes out as it would from zeros.
    """
    if depth > _SHAPE_VALUE_OPS_DEPTH or len(value.shape) > 1 or not str(value.dtype).startswith(("int", "uint")):
        return None
    history = value.__dict__.get("_keras_history")
    if history is None or not (getattr(history[0], "_is_op_node", False)
                               or getattr(history[0], "_reruns_on_probes", False)):
        return None
    layer, node_index, tensor_index = history
    node = layer._inbound_nodes[node_index]

    def probe(leaf):
        if not isinstance(leaf, KerasTensor):
            return leaf
        computed = _recomputed_shape_value(leaf, sizes, depth + 1)
        return computed if computed is not None else _probe_value(leaf, sizes)

    outputs = layer(*tree.map_structure(probe, list(node.args)), **tree.map_structure(probe, dict(node.kwargs)))
    return tree.flatten(outputs)[tensor_index]


def _specs_by_dry_run(layer, inputs, args, kwargs):
    """Run the layer on zero batches of two sizes; dims that follow the probe size are unknown (None).

    When those probes fail, unknown non-batch dims are tried at 1 (see `_broadcastable_probe_axes`)."""
    try:
        return _specs_from_probes(layer, inputs, args, kwargs, ((2, 3), (3, 5)))
    except ValueError as error:
        first_error = error
    for ones in _broadcastable_probe_axes(inputs):
        weights_before = {id(w) for w in layer.weights}
        try:
            specs = _specs_from_probes(layer, inputs, args, kwargs, ((2, 3, ones), (3, 5, ones)), ones)
        except ValueError:
            continue
        created = [w for w in layer.weights if id(w) not in weights_before]
        if not any(1 in tuple(w.shape) for w in created):
            return specs
        break  # a weight sized by a probe's 1 would be wrong: keep the first error
    raise first_error


_MAX_UNKNOWN_AXES_TRIED = 4


def _broadcastable_probe_axes(inputs):
    """Sets of axes (counted from the end) of the inputs' unknown non-batch dims to probe at size 1.

    Keras traces a call with unknown dims, which broadcast against any size: with `Input(shape=(None, None))`
    the video-transformers example adds `Embedding(range(T))` of width 32 to the input. Zeros of size 3 or 5
    cannot broadcast against 32, but 1 can: the last axis is tried alone first, then each other axis alone,
    then all of them together."""
    first = next((t for t in tree.flatten(inputs) if isinstance(t, KerasTensor)), None)
    if first is None:
        return []
    rank = len(first.shape)
    unknown = [i - rank for i, d in enumerate(first.shape) if i > 0 and d is None][-_MAX_UNKNOWN_AXES_TRIED:]
    candidates = [(axis,) for axis in reversed(unknown)]
    if len(unknown) > 1:
        candidates.append(tuple(unknown))
    return candidates


def _specs_from_probes(layer, inputs, args, kwargs, probe_sizes, ones=()):
    results = []
    for sizes in probe_sizes:
        def probe(structure, sizes=sizes):
            return tree.map_structure(lambda v: _probe_value(v, sizes), structure)

        extra = {} if "training" in kwargs else {"training": layer._call_default_training}
        try:
            with probing(), building(layer):  # sublayers built by the run are named under the layer
                try:
                    out = layer(probe(inputs), *probe(list(args)), **probe(kwargs), **extra)
                except Exception:
                    mask = _probe_mask(layer, inputs, kwargs, sizes)
                    if mask is None:
                        raise
                    out = layer(probe(inputs), *probe(list(args)), **probe(kwargs), mask=mask, **extra)
        except Exception as error:
            raise _shape_error(layer, _input_shapes(inputs), error) from error
        results.append(out)
    first, second = results
    # With every input's batch size known, an output dim 0 equal in both probes is a real size even when it
    # is 2 (`Input(batch_shape=(3, 2, 5))[1]` is (2, 5)); with an unknown batch, 2 may be the probe's batch.
    batch_known = all(t.shape and t.shape[0] is not None
                      for t in tree.flatten((inputs, args, kwargs)) if isinstance(t, KerasTensor))

    def spec(a, b):
        rank = len(a.shape)

        def known(i, da, db):
            # a 1 where a probe axis was 1 may be that unknown dim passed through
            return i > 0 and da == db and not (da == 1 and i - rank in ones)
        shape = tuple(int(da) if known(i, da, db) else None for i, (da, db) in enumerate(zip(a.shape, b.shape)))
        if len(a.shape) and (a.shape[0] != 2 or batch_known) and a.shape[0] == b.shape[0]:
            shape = (int(a.shape[0]),) + shape[1:]  # not a batch dimension after all
        text = isinstance(a, np.ndarray) and a.dtype.kind in "USO"  # text handed on (reshaped, split)
        return _Spec(shape, "string" if text else config.dtype_name(a.dtype))

    if first is None:
        return None
    if isinstance(first, (torch.Tensor, np.ndarray)):
        return spec(first, second)
    if isinstance(first, dict):
        return {k: spec(first[k], second[k]) for k in first}
    specs = [spec(a, b) for a, b in zip(first, second)]
    return tuple(specs) if type(first) is tuple else specs  # a call returning a tuple gives a tuple back


def _probe_mask(layer, inputs, kwargs, sizes):
    """An all-True (batch, steps) mask for a mask-consuming layer whose dry run failed without one.

    In Keras the symbolic call of a layer after `Embedding(mask_zero=True)` already receives the mask
    flowing down the graph, so a `call(inputs, mask=None)` that uses the mask unconditionally works;
    tkeras only knows masks once the model runs, so the probe stands in for it (the output shape does
    not depend on the mask's values). None when the layer takes no mask or one was given."""
    if not layer._call_takes_mask or kwargs.get("mask") is not None or not isinstance(inputs, KerasTensor):
        return None
    if len(inputs.shape) < 2:
        return None
    return torch.ones(_probe_value(inputs, sizes).shape[:-1], dtype=torch.bool, device=config.device())


def _shape_error(layer, input_shapes, error):
    return ValueError(
        f"Layer {layer.name!r} ({type(layer).__name__}) cannot be called on input(s) of shape {input_shapes}: "
        f"{error}")


def _check_symbolic_spec(layer, inputs):
    """The layer's InputSpec against symbolic shapes (the eager check needs real tensors)."""
    spec = layer.input_spec
    if spec is None or not isinstance(inputs, KerasTensor) or isinstance(spec, (list, tuple)):
        return
    shape, ndim = inputs.shape, len(inputs.shape)

    def fail(expected, found):
        raise ValueError(f"Input 0 of layer {layer.name!r} is incompatible with the layer: expected {expected}, "
                         f"found {found}. Full shape received: {shape}")

    if spec.ndim is not None and ndim != spec.ndim:
        fail(f"ndim={spec.ndim}", f"ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        fail(f"min_ndim={spec.min_ndim}", f"ndim={ndim}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        fail(f"max_ndim={spec.max_ndim}", f"ndim={ndim}")
    for axis, size in (spec.axes or {}).items():
        if size is None or not -ndim <= axis < ndim:
            continue
        if shape[axis] is not None and shape[axis] != size:
            fail(f"axis {axis} of input shape to have value {size}", f"value {shape[axis]}")
