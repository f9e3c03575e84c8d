"""`keras.models.clone_model`: the same architecture with new layers, hence new (freshly initialised)
weights, as Keras 3 defines it.

* Sequential: each layer goes through `clone_function`; the input (its shape, dtype and name) is kept,
  or taken from `input_tensors` (one KerasTensor).
* Functional: the recorded graph is replayed node by node on new inputs (new `Input`s of the same
  shapes, dtypes and names, or `input_tensors`), each layer replaced by `clone_function(layer)`, once
  per layer, so a layer shared by two calls stays shared in the copy. `call_function(layer, *args,
  **kwargs)` may wrap each call (insert a layer after every Dense, ...). `recursive=True` clones
  nested Sequential/Functional models the same way instead of handing them to `clone_function`.
* Subclassed models: `cls.from_config(model.get_config())`; they have no graph for `clone_function`,
  `input_tensors` or `call_function` to act on, so those are refused, as Keras refuses them.

A compiled model's copy is compiled the same way, with a new optimizer of the same configuration.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.core.input_layer import Input, InputLayer
from tkeras.utils import tree


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """A copy of `model` with new layers and new weights (see the module docstring)."""
    from tkeras.models.functional import Functional
    from tkeras.models.model import Model
    from tkeras.models.sequential import Sequential
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s) {tuple(kwargs)}")
    if not isinstance(model, Model):
        raise ValueError(f"clone_model expects a keras Model (Sequential, functional or subclassed); "
                         f"received {type(model).__name__} {model!r:.80}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"clone_model: `clone_function` must be a callable layer -> layer; received "
                         f"{clone_function!r}")
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "clone_model: `call_function` is not supported with Sequential models: their layers are only "
                "listed, not called, when the model is made. Use it with functional models; received a "
                f"{type(model).__name__} with call_function={call_function!r}")
        layer_fn = _cached_clone_function(clone_function, None, recursive, cache)
        return _clone_sequential(model, layer_fn, input_tensors)
    if isinstance(model, Functional):
        layer_fn = _cached_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional(model, layer_fn, call_function, input_tensors)
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "clone_model: `clone_function` and `input_tensors` are only supported for Sequential and "
            f"functional models; {type(model).__name__} is a subclassed model. Clone it with "
            f"{type(model).__name__}.from_config(model.get_config()) (implement get_config for its arguments).")
    if call_function is not None:
        raise ValueError(f"clone_model: `call_function` is only supported for functional models; received a "
                         f"{type(model).__name__}")
    return _clone_subclassed(model)


def _default_clone(layer):
    from tkeras.layers.core.lambda_layer import Lambda
    if isinstance(layer, Lambda):
        return _clone_lambda(layer)
    return layer.__class__.from_config(layer.get_config())


def _clone_lambda(layer):
    """A Lambda's copy calls the same functions, as tf-keras 2's clone does (its config carries their
    bytecode): a function of this process is found by name here, a lambda's bytecode is our own.
    Keras 3 refuses both unless registered, which breaks tf.keras-era code (keras-io's DDIM clones a
    network with a `Lambda(sinusoidal_embedding)`)."""
    functions = [fn for fn in (layer.function, layer._output_shape, layer.mask) if callable(fn)]
    custom_objects = {getattr(fn, "__name__", None): fn for fn in functions}
    return layer.__class__.from_config(layer.get_config(), custom_objects=custom_objects, safe_mode=False)


def _cached_clone_function(clone_function, call_function, recursive, cache):
    """`clone_function` applied once per layer object (shared layers stay shared), recursing into
    nested models when asked."""
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential
    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def clone(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential):
            copy = clone_model(layer, clone_function=clone_function, recursive=True, cache=cache)
        elif recursive and isinstance(layer, Functional):
            copy = clone_model(layer, clone_function=clone_function, call_function=call_function,
                               recursive=True, cache=cache)
        else:
            copy = clone_function(layer)
        cache[id(layer)] = copy
        return copy

    return clone


def _clone_sequential(model, layer_fn, input_tensors):
    from tkeras.models.sequential import Sequential
    layers = [layer_fn(layer) for layer in model.operations]
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(f"clone_model: a Sequential model takes one input tensor; `input_tensors` has "
                                 f"{len(input_tensors)}")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(f"clone_model: `input_tensors` must be a KerasTensor (from keras.Input); received "
                             f"{type(input_tensors).__name__}")
        layers = [input_tensors] + layers
    elif model._input_batch_shape is not None:
        layers = [Input(batch_shape=tuple(model._input_batch_shape), dtype=model._input_dtype)] + layers
    copy = Sequential(layers, name=model.name, trainable=model.trainable)
    _compile_like(model, copy)
    return copy


def _clone_functional(model, layer_fn, call_function, input_tensors):
    from tkeras.models.functional import Functional, keras_order
    from tkeras.models.graph_order import nodes_in_order
    if input_tensors is None:
        input_tensors = tree.map_structure(
            lambda t: Input(batch_shape=tuple(t.shape), dtype=t.dtype, name=t._keras_history[0].name),
            model.input)
    else:
        if not all(isinstance(t, KerasTensor) for t in tree.flatten(input_tensors)):
            raise ValueError("clone_model: every entry of `input_tensors` must be a KerasTensor (from keras.Input); "
                             f"received {input_tensors!r:.200}")
        if len(tree.flatten(input_tensors)) != len(model.inputs):
            raise ValueError(f"clone_model: `input_tensors` must have the structure of model.input (here "
                             f"{len(model.inputs)} tensor(s)); received {len(tree.flatten(input_tensors))}")
        if isinstance(model.input, (list, tuple)) and not isinstance(input_tensors, (list, tuple)):
            input_tensors = [input_tensors]
    if isinstance(input_tensors, dict) and isinstance(model.input, dict) and set(input_tensors) == set(model.input):
        new_of = {id(model.input[key]): input_tensors[key] for key in model.input}
    else:  # a list is matched to `model.inputs`, where a dict of inputs comes by sorted key
        new_of = {id(old): new for old, new in zip(model.inputs, keras_order(input_tensors))}

    def swap(value):
        if isinstance(value, KerasTensor):
            return new_of[id(value)]
        return value

    for node in nodes_in_order(model.inputs, model.outputs):
        if isinstance(node.layer, InputLayer):
            continue
        layer = layer_fn(node.layer)
        args = tree.map_structure(swap, list(node.args))
        kwargs = tree.map_structure(swap, dict(node.kwargs))
        outputs = call_function(layer, *args, **kwargs) if call_function else layer(*args, **kwargs)
        flat = tree.flatten(outputs)
        if len(flat) != len(node.output_tensors):
            raise ValueError(f"clone_model: the clone of layer {node.layer.name!r} returned {len(flat)} tensor(s) "
                             f"where the original returned {len(node.output_tensors)}")
        for old, new in zip(node.output_tensors, flat):
            new_of[id(old)] = new
    outputs = tree.map_structure(swap, model.output)
    cls = type(model)
    if cls is not Functional and not _takes_inputs_and_outputs(cls):
        cls = Functional  # a subclass with its own constructor: Keras falls back to Functional as well
    copy = cls(input_tensors, outputs, name=model.name)
    _compile_like(model, copy)
    return copy


def _takes_inputs_and_outputs(cls):
    import inspect
    try:
        parameters = list(inspect.signature(cls.__init__).parameters)[1:]
    except (TypeError, ValueError):
        return False
    return parameters[:2] == ["inputs", "outputs"]


def _clone_subclassed(model):
    try:
        config = model.get_config()
        return type(model).from_config(config)
    except (NotImplementedError, TypeError) as error:
        raise ValueError(
            f"clone_model: cannot clone the subclassed model {type(model).__name__}: rebuilding it from its "
            f"config failed ({error}). Give it a get_config() returning its constructor arguments.") from error


def _compile_like(model, copy):
    if not getattr(model, "_compiled", False):
        return
    from tkeras.saving.model_config import compile_config, compile_from_config
    compile_from_config(copy, compile_config(model), "clone_model", None)
