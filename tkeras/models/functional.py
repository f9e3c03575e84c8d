"""Functional models: `Model(inputs, outputs)` over the graph that layer calls on KerasTensors recorded.

At construction the graph is walked once, backwards from the outputs, and flattened into an execution
plan: a list of steps (layer, where its arguments come from, where its outputs go), over numbered
slots. Running the model is one pass over that list; no graph is walked per call. Shared layers appear
once in `layers` and once per call in the plan; nested models are layers like any other.
"""
import warnings

import numpy as np
import torch

from tkeras.backend import captured_tensors
from tkeras.backend.gradient_sources import GradientSourcesNeeded
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import declare_float_input
from tkeras.models import (functional_config, functional_endpoints, graph_cutting, graph_order, inference_fusion,
                           input_conformance, input_gradients)
from tkeras.models.model import Model
from tkeras.utils import tree


class _Slot:
    """A placeholder for the tensor held in slot `index` while the plan runs."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _fill(template, values):
    if type(template) is _Slot:
        return values[template.index]
    if isinstance(template, list):
        return [_fill(t, values) for t in template]
    if isinstance(template, tuple):
        return tuple(_fill(t, values) for t in template)
    if isinstance(template, dict):
        return {k: _fill(t, values) for k, t in template.items()}
    return template


def keras_order(structure):
    """The leaves of a nested structure in Keras' (and tf.nest's) order: a dict's values by sorted key.

    `model.inputs`/`model.outputs`, `output_names` and the lists given to compile() follow this order
    in Keras 3 and tf-keras 2, so `outputs={"priority": p, "department": d}` puts `department` first."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in keras_order(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for value in structure for leaf in keras_order(value)]
    return [structure]


def _slots_in(template):
    if type(template) is _Slot:
        return [template]
    if isinstance(template, (list, tuple)):
        return [s for t in template for s in _slots_in(t)]
    if isinstance(template, dict):
        return [s for t in template.values() for s in _slots_in(t)]
    return []


class Functional(Model):
    """A model defined by its inputs and outputs (see the module docstring)."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        inputs = kwargs.pop("input", inputs)  # Keras 1: Model(input=..., output=...)
        outputs = kwargs.pop("output", outputs)
        init_functional(self, inputs, outputs, name=name, **kwargs)

    # -- structure --------------------------------------------------------------------------------
    @property
    def layers(self):
        """Keras 3's `model.layers`: the graph's layers without its op nodes (`x * 2`, `ops.relu(x)`,
        a `keras.Operation`), which Keras records as Operations rather than layers, so
        `base_model.layers[:-20]` picks the same layers as in Keras. Summaries, configs, clones and
        files see every node (`operations`)."""
        return [layer for layer in self._functional_layers if not getattr(layer, "_is_op_node", False)]

    @property
    def operations(self):
        return list(self._functional_layers)

    @property
    def inputs(self):
        return list(self._input_tensors)

    @property
    def outputs(self):
        return list(self._output_tensors)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self._input_tensors]

    @property
    def output_names(self):
        """The names of the layers that produce `outputs` (so dict outputs come by sorted key), as Keras 3."""
        return [t._keras_history[0].name for t in self._output_tensors]

    @property
    def input_shape(self):
        shapes = tree.map_structure(lambda t: t.shape, self._inputs_struct)
        return shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = tree.map_structure(lambda t: t.shape, self._outputs_struct)
        return shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes

    # -- losses and metrics over the graph (tf-keras 2) -----------------------------------------------
    def add_loss(self, loss, inputs=None):
        """A symbolic loss over the graph (`model.add_loss(ops.mean(...(inputs, outputs)))`) is computed
        at every call, as tf-keras 2 did (functional_endpoints.py); any other loss as any layer's."""
        if functional_endpoints.holds_keras_tensors(loss):
            functional_endpoints.add_symbolic_loss(self, loss)
            return
        super().add_loss(loss)

    def add_metric(self, value, name=None, aggregation=None):
        if functional_endpoints.holds_keras_tensors(value):
            functional_endpoints.add_symbolic_metric(self, value, name, aggregation)
            return
        super().add_metric(value, name=name, aggregation=aggregation)

    # -- running ----------------------------------------------------------------------------------
    # Slots whose values a layer differentiates with respect to (input_gradients.py); learned on a run.
    _gradient_source_slots = frozenset()

    def call(self, inputs, training=None, mask=None):
        if self._gradient_source_slots:
            return input_gradients.run_with_sources(self, inputs, training, mask)
        published = self._published_slots() if captured_tensors.any_captured() else None
        if published:  # Keras 2 code reads some of this graph's tensors by value (captured_tensors.py)
            with captured_tensors.step():
                return self._run(inputs, training, mask, published, [None] * self._slot_count)
        return self._run(inputs, training, mask, None, [None] * self._slot_count)

    def _run(self, inputs, training, mask, published, values):
        self._place_inputs(inputs, values)
        if mask is not None:
            self._place_masks(mask, values)
        if published:
            for slot in self._input_slots:
                if slot in published:
                    captured_tensors.publish(published[slot], values[slot])
        plan, releases = self._inference_plan() if inference_fusion.applies(training) and not published else (
            self._plan, self._releases)
        for (layer, args, kwargs, simple, out_slots), dead in zip(plan, releases):
            try:
                if simple is not None:
                    out = layer(values[simple], **kwargs)
                else:
                    out = layer(*_fill(args, values), **_fill(kwargs, values))
            except GradientSourcesNeeded as request:  # a layer differentiates with respect to our tensors
                return input_gradients.mark_and_rerun(self, request, values, inputs, training, mask)
            if len(out_slots) == 1:
                values[out_slots[0]] = out
            else:
                for slot, value in zip(out_slots, tree.flatten(out)):
                    values[slot] = value
            if published:
                for slot in out_slots:
                    if slot in published:
                        captured_tensors.publish(published[slot], values[slot])
            for slot in dead:
                values[slot] = None
        return _fill(self._output_template, values)

    def _published_slots(self):
        """{slot: tensor} for this graph's tensors that code outside it reads by value, worked out again
        when more tensors get marked."""
        cached = self.__dict__.get("_published")
        if cached is None or cached[0] != captured_tensors.version():
            slots = {slot: tensor for tensor, slot in self.__dict__.get("_slot_tensors", ())
                     if captured_tensors.is_captured(tensor)}
            cached = self.__dict__["_published"] = (captured_tensors.version(), slots)
        return cached[1]

    def _inference_plan(self):
        """The plan with convolution/BatchNorm/activation groups fused (inference_fusion.py) and its
        release lists, made once."""
        cached = self.__dict__.get("_fused_plan")
        if cached is None or cached[0] is not self._plan:
            outputs = self._output_slots()
            fused = inference_fusion.fused_plan(self._plan, _slot_readers(self._plan), outputs)
            if fused is None:
                cached = (self._plan, self._plan, self._releases)
            else:
                cached = (self._plan, fused, _releases(fused, outputs))
            self.__dict__["_fused_plan"] = cached
        return cached[1], cached[2]

    def _output_slots(self):
        return {s.index for s in _slots_in(self._output_template)}

    def _output_dtype(self, input_dtype):
        """A nested model hands out what its first output layer does (a float32 head under a mixed policy)."""
        return self._output_tensors[0].dtype

    def _takes_strings(self):
        """An `Input(dtype="string")` makes the model take raw text (for StringLookup, TextVectorization)."""
        return any(getattr(t, "dtype", None) == "string" for t in self._input_tensors)

    def _place_inputs(self, inputs, values):
        slots = self._input_slots
        conformers = self._input_conformers  # Keras' trailing-axis and dtype adjustments (input_conformance.py)
        if len(slots) == 1:
            if isinstance(inputs, dict):
                inputs = inputs.get(self.input_names[0], next(iter(inputs.values())))
            elif isinstance(inputs, (list, tuple)) and len(inputs) == 1:
                inputs = inputs[0]
            values[slots[0]] = conformers[0](inputs)
            return
        if isinstance(inputs, dict):
            keys = self._input_keys
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ValueError(f"Model {self.name!r}: missing input(s) {missing}; the model's inputs are {keys}, "
                                 f"received keys {sorted(inputs)}")
            flat = [inputs[k] for k in keys]
        else:
            flat = keras_order(inputs)
        if len(flat) != len(slots):
            raise ValueError(f"Model {self.name!r} expects {len(slots)} inputs {self.input_names}, but it "
                             f"received {len(flat)} input tensor(s)")
        for index, (slot, value, conform) in enumerate(zip(slots, flat, conformers)):
            if value is None:
                if not getattr(self._input_tensors[index], "optional", False):
                    raise ValueError(f"Model {self.name!r}: input {self.input_names[index]!r} is None, but only an "
                                     f"input made with Input(..., optional=True) may be left out")
                values[slot] = None  # the layers that read it receive None, as in Keras
                continue
            values[slot] = conform(value)

    def _place_masks(self, mask, values):
        """`model(x, mask=m)`: masks ride on the input tensors (`_keras_mask`), as between layers.

        The mask goes on an alias of the input, so the caller's tensor is left as it was.
        """
        masks = mask if isinstance(mask, (list, tuple)) else [mask]
        if isinstance(mask, dict):
            masks = [mask.get(k) for k in self._input_keys]
        for slot, m in zip(self._input_slots, masks):
            value = values[slot]
            if m is None or not isinstance(value, torch.Tensor) or value.__dict__.get("_keras_mask") is m:
                continue
            alias = value.view_as(value)
            alias._keras_mask = m if isinstance(m, torch.Tensor) else torch.as_tensor(np.asarray(m), device=value.device)
            values[slot] = alias

    def compute_output_shape(self, input_shape):
        """Shapes through the plan, each layer's `compute_output_shape` on the previous ones."""
        given = input_shape if len(self._input_slots) > 1 else [input_shape]
        if isinstance(given, dict):
            given = [given[k] for k in self._input_keys]
        if all(tuple(g)[1:] == t.shape[1:] for g, t in zip(given, self._input_tensors)):
            shapes = tree.map_structure(lambda t: t.shape, self._outputs_struct)
            # Called on symbolic tensors, a model built with `outputs=[t]` gives one tensor as tf-keras 2 does
            # (an outer `Model(inputs=[x], outputs=[model(x)])` then predicts an array, not a list of one),
            # as its eager call and the branch below already do.
            return shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes
        shapes = [None] * self._slot_count
        for slot, shape in zip(self._input_slots, given):
            shapes[slot] = tuple(shape)
        for layer, args, kwargs, simple, out_slots in self._plan:
            in_shape = shapes[simple] if simple is not None else _fill(args[0], shapes)
            out = layer.compute_output_shape(in_shape)
            if len(out_slots) == 1:
                shapes[out_slots[0]] = tuple(out)
            else:
                for slot, value in zip(out_slots, out):
                    shapes[slot] = tuple(value)
        return _fill(self._output_template, shapes)

    def layer_output_shape(self, layer):
        """For summary(): the layer's output shape in this model ("multiple" when its calls differ)."""
        shapes = {tuple(tuple(t.shape) for t in node.output_tensors)
                  for node in layer._inbound_nodes if id(node) in self._node_ids}
        if len(shapes) != 1:
            return None
        (only,) = shapes
        return list(only) if len(only) > 1 else only[0]

    def summary_connections(self, layer):
        """The "Connected to" column: every tensor this layer was called on, as `name[node][tensor]`."""
        return "[" + ", ".join(self.summary_connection_entries(layer)) + "]"

    def summary_connection_entries(self, layer):
        """The quoted `'name[node][tensor]'` sources of the "Connected to" column, one per input tensor."""
        entries = []
        for node in layer._inbound_nodes:
            if id(node) not in self._node_ids:
                continue
            for tensor in node.input_tensors:
                producer, node_index, tensor_index = tensor._keras_history
                entries.append(f"'{producer.name}[{self._node_rank(tensor.node)}][{tensor_index}]'")
        return entries

    def _node_rank(self, node):
        """A node's index among its layer's calls that belong to this model (Keras' config numbering)."""
        kept = [n for n in node.layer._inbound_nodes if id(n) in self._node_ids]
        return next(i for i, n in enumerate(kept) if n is node)

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        return functional_config.model_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving import config_compat
        config = config_compat.normalize(config)  # Keras 3's DTypePolicy dicts, `optional`, ... (idempotent)
        inputs, outputs, name, layers_by_name = functional_config.rebuild_graph(config, custom_objects)
        endpoints = [layer for layer in layers_by_name.values() if hasattr(layer, "_tf_keras2_endpoint_input")]
        model = Model.__new__(cls)
        init_functional(model, inputs, outputs, name=name, trainable=config.get("trainable", True),
                        _layer_order=[layer for layer in layers_by_name.values() if layer not in endpoints])
        for layer in endpoints:  # tf-keras 2's AddLoss / AddMetric: what model.add_loss/add_metric made
            tensor = layer.__dict__.pop("_tf_keras2_endpoint_input")
            functional_endpoints.graft_loaded_reporter(model, layer, tensor)
        return model

    def get_build_config(self):
        return None


def _warn_on_renamed_dict_inputs(inputs):
    """Keras warns when a dict of inputs is keyed otherwise than its Inputs are named: the data fed to
    fit()/predict() is matched by key, so the mismatch usually means data reaching the wrong input."""
    if not isinstance(inputs, dict):
        return
    for key, tensor in inputs.items():
        if isinstance(tensor, KerasTensor) and key != tensor.name:
            warnings.warn(f"Model(inputs=dict): key {key!r} maps to the Input named {tensor.name!r}; a dict of inputs "
                          f"should use the Inputs' names as keys (rename it with `Input(..., name={key!r})`)",
                          UserWarning, stacklevel=4)


def init_functional(model, inputs, outputs, name=None, trainable=True, _layer_order=None, **kwargs):
    """Set `model` up as a functional model of `inputs` -> `outputs` (Model.__init__ routes here).

    `_layer_order` (from a config) keeps the saved order of `layers`, hence of `get_weights()`.
    """
    kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"Model(inputs, outputs): unexpected keyword argument(s) {sorted(kwargs)}")
    if not isinstance(model, Functional):
        # A Model subclass calling super().__init__(inputs, outputs) becomes functional, keeping its own
        # methods (train_step, ...) in front, as Keras does.
        model.__class__ = _functional_subclass(type(model))
    _warn_on_renamed_dict_inputs(inputs)
    Layer.__init__(model, name=name, trainable=trainable)
    model._init_trainer()
    input_tensors = _flatten_tensors(inputs, "inputs")
    output_tensors = _flatten_tensors(outputs, "outputs")
    if not all(graph_cutting.is_graph_input(tensor) for tensor in input_tensors):
        inputs, outputs = graph_cutting.cut_at_intermediate_inputs(
            inputs, outputs, graph_order.nodes_in_order(input_tensors, output_tensors))
        input_tensors, output_tensors = keras_order(inputs), keras_order(outputs)
    model._inputs_struct = inputs
    model._outputs_struct = outputs
    model._input_tensors = input_tensors
    model._output_tensors = output_tensors
    if len(input_tensors) == 1:
        # Declared like a layer's `input_shape=`, so a Sequential whose first layer is this model (a
        # pretrained conv base) builds at `add` time, as Keras does, and counts the head's weights.
        model._batch_input_shape = tuple(input_tensors[0].shape)
    model._input_keys = sorted(inputs) if isinstance(inputs, dict) else [
        t._keras_history[0].name for t in input_tensors]
    model._input_conformers = input_conformance.conformers_for(model.name, input_tensors, model._input_keys)
    declare_float_input(model, None)  # each input's conformer gives it its Input's dtype, as in Keras
    nodes = graph_order.nodes_in_order(input_tensors, output_tensors)
    model._node_ids = {id(n) for n in nodes} | {id(t.node) for t in input_tensors}
    layers = graph_order.keras_layer_order(output_tensors)
    if _layer_order is not None:
        rank = {id(layer): i for i, layer in enumerate(_layer_order)}
        if all(id(layer) in rank for layer in layers):
            layers.sort(key=lambda layer: rank[id(layer)])
    _check_unique_names(layers, model)
    model._functional_layers = layers
    for i, layer in enumerate(layers):
        model.add_module(f"layer_{i}_{layer.name}".replace(".", "_"), layer)
    _compile_plan(model, nodes)
    model.built = True
    model._build_input_shape = model.input_shape
    model._invalidate_caches()


_FUNCTIONAL_SUBCLASSES = {}


def _functional_subclass(cls):
    if cls not in _FUNCTIONAL_SUBCLASSES:
        _FUNCTIONAL_SUBCLASSES[cls] = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__,
                                                                            "__qualname__": cls.__qualname__})
    return _FUNCTIONAL_SUBCLASSES[cls]


def _flatten_tensors(structure, what):
    flat = keras_order(structure)
    for value in flat:
        if not isinstance(value, KerasTensor):
            raise TypeError(
                f"Model {what} must be KerasTensors (from keras.Input() and layer calls on them); received "
                f"{type(value).__name__} {value!r:.80}")
    if not flat:
        raise ValueError(f"Model(inputs, outputs): {what} is empty")
    return flat


def _check_unique_names(layers, model):
    seen = {}
    for layer in layers:
        if layer.name in seen:
            raise ValueError(
                f"The name {layer.name!r} is used 2 times in the model {model.name!r}. All layer names should "
                f"be unique: pass distinct name= arguments to the layers.")
        seen[layer.name] = layer


def _compile_plan(model, nodes):
    slots = {}

    def slot_of(tensor):
        if id(tensor) not in slots:
            slots[id(tensor)] = len(slots)
        return slots[id(tensor)]

    def template(value):
        if isinstance(value, KerasTensor):
            return _Slot(slot_of(value))
        if isinstance(value, list):
            return [template(v) for v in value]
        if isinstance(value, tuple):
            return tuple(template(v) for v in value)
        if isinstance(value, dict):
            return {k: template(v) for k, v in value.items()}
        return value

    model._input_slots = [slot_of(t) for t in model._input_tensors]
    named = []  # (tensor, slot) of every tensor in the plan: captured_tensors publishes some by slot
    plan = []
    for node in nodes:
        args = template(list(node.args))
        kwargs = template(dict(node.kwargs))
        simple = None
        if len(args) == 1 and type(args[0]) is _Slot and not any(
                isinstance(t, KerasTensor) for t in tree.flatten(list(node.kwargs.values()))):
            simple = args[0].index
        out_slots = [slot_of(t) for t in node.output_tensors]
        named.extend(zip(node.output_tensors, out_slots))
        plan.append((node.layer, args, kwargs, simple, out_slots))
    model._plan = plan
    model._slot_tensors = [(t, slot_of(t)) for t in model._input_tensors] + named
    output_template = template(model._outputs_struct)
    if isinstance(output_template, (list, tuple)) and len(output_template) == 1:
        # `Model(inputs, [t])` is called like a single-output model: it returns the tensor, not a list
        # of one (Keras 3 and tf-keras 2 alike), while `model.output` stays `[t]`.
        output_template = output_template[0]
    model._output_template = output_template
    model._slot_count = len(slots)
    model._releases = _releases(plan, model._output_slots())


def _slot_readers(plan):
    """slot -> indices of the steps that read it."""
    readers = {}
    for index, (_, args, kwargs, _, _) in enumerate(plan):
        for slot in {s.index for s in _slots_in([args, kwargs])}:
            readers.setdefault(slot, []).append(index)
    return readers


def _releases(plan, output_slots):
    """Per step, the slots no later step reads: dropped as the plan runs, so a forward pass holds only
    the tensors still needed, as an eager torch forward does (holding all of them costs an inference
    pass fresh memory, and page faults, for every activation)."""
    readers = _slot_readers(plan)
    dead = [[] for _ in plan]
    for index, (_, _, _, _, out_slots) in enumerate(plan):
        for slot in out_slots:
            if slot not in output_slots:
                dead[max(readers.get(slot, [index]))].append(slot)
    return [tuple(slots) for slots in dead]
