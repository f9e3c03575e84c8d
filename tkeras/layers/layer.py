"""The Keras Layer contract on a torch.nn.Module.

A Layer builds its weights lazily, the first time it sees an input (`build(input_shape)`), then runs
`call(inputs, ...)`. Being an `nn.Module` gives torch's machinery (parameters(), state_dict, `.to()`,
DDP, ONNX export) for free; the Keras surface (names, `weights` in Keras order, `get_weights`,
`trainable`, `get_config`) sits on top. `__call__` is kept lean because the training loop goes
through it for every layer on every step: the signature of `call` is inspected once per class, not
per call.
"""
import contextlib

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.array_operands import tensor_operand_view
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.tensor import wrap_eager_output
from tkeras.backend.naming import to_snake_case, unique_name
from tkeras.backend.remat import current_remat_scope
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.backend.variable import Variable
from tkeras.mixed_precision import layer_outputs as _half_outputs
from tkeras.mixed_precision import policy as _precision
from tkeras.layers import (added_losses, auto_config, call_arguments, layer_remat, layer_stateless,
                           tracked_containers)
from tkeras.layers.layer_attributes import LayerAttributes
from tkeras.layers import layer_build
from tkeras.layers.layer_build import marking_built, taking_input_shape
from tkeras.layers.layer_paths import building
from tkeras.layers.probe_scope import probing
from tkeras.layers.layer_own_variables import OwnVariablesMixin
from tkeras.layers.layer_weights import LayerWeights
from tkeras.layers.layer_keras3 import Keras3LayerMethods
from tkeras.layers.layer_legacy_nodes import LegacyNodeMethods
from tkeras.layers.input_spec import InputSpec, check_input_spec  # noqa: F401 - InputSpec re-exported
from tkeras.layers.layer_inputs import (autocast_inputs, conversion_dtype, float_input_dtype, integers_to_float,
                                        is_nested_numbers, is_symbolic, is_text, mask_of, on_compute_device,
                                        ragged_output, shape_of, to_torch)

# Keras 1/2 constructor arguments that every layer accepts (the layer-specific ones live with the layer).
# `dynamic` is tf-keras' flag for a layer/model that must run eagerly: every tkeras layer does.
_BASE_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights", "input_dtype", "autocast",
                "dynamic"}


class Layer(LayerWeights, OwnVariablesMixin, Keras3LayerMethods, LegacyNodeMethods, LayerAttributes,
            torch.nn.Module):
    """Base class of every tkeras layer and model. Subclass it and write `build` and `call`."""

    _call_takes_training = False
    _call_default_training = False
    _call_takes_mask = False
    # Names of call's positional parameters after the inputs, when `training` or `mask` is among them
    # (`call(self, x, training=None)`): tf-keras 2 code passes them positionally, `layer(x, True)`.
    _positional_call_names = ()
    _call_signature_of = None
    # call's tensor parameters that have a `<name>_mask` companion (`call(self, query, value, query_mask=None,
    # value_mask=None)`): Keras 3 fills each with the mask its tensor carries.
    _call_mask_parameters = ()
    # Layers whose arithmetic is floating-point (Dense, RNNs, convolutions, ...) take integer and bool
    # inputs as their float dtype. Keras gets there by type promotion in its ops (int32 @ float32 ->
    # float32); torch kernels refuse mixed dtypes instead. Others (Embedding, lookups, Flatten, custom
    # layers) see integers unchanged, as in Keras.
    _casts_integer_inputs = False
    # Under a mixed policy a float32 result of `call` is handed on in the compute dtype, as Keras'
    # half-precision arithmetic would give it (mixed_precision/layer_outputs.py). Models and layers
    # that choose their output dtype themselves turn this off.
    _outputs_in_compute_dtype = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = marking_built(taking_input_shape(cls.__dict__["build"]))
        call_arguments.read_call_signature(cls)

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if auto_config.uses_default_config(cls):  # construction only: what the base get_config returns
            auto_config.record(instance, cls, args, kwargs)
        return instance

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None, autocast=True, **kwargs):
        super().__init__()
        self._adopt_early_attributes()
        unknown = set(kwargs) - _BASE_KWARGS
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}. "
                f"Check the spelling against the Keras documentation for {type(self).__name__}.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, received {name!r}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._set_dtype_policy(dtype, explicit=dtype is not None)
        self.built = False
        self.supports_masking = False
        self.input_spec = None
        self._own_weights = []
        self._losses = []
        self._initial_weights = kwargs.get("weights")
        if kwargs.get("dynamic"):
            self.dynamic = True
        # Keras 3's `autocast=False`: under a mixed policy the layer computes in its inputs' own dtype.
        self._autocast = bool(autocast)
        self.activity_regularizer = None
        if activity_regularizer is not None:
            from tkeras import regularizers
            self.activity_regularizer = regularizers.get(activity_regularizer)
        # Keras 1/2: the first layer of a Sequential may carry its input shape.
        batch_input_shape = kwargs.get("batch_input_shape")
        if batch_input_shape is None and kwargs.get("input_shape") is not None:
            batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        if batch_input_shape is None and kwargs.get("input_dim") is not None:
            batch_input_shape = (kwargs.get("batch_size"), int(kwargs["input_dim"]))
        self._batch_input_shape = tuple(batch_input_shape) if batch_input_shape is not None else None
        self._build_input_shape = None
        self._output_shape_cache = None
        self._inbound_nodes = []
        self._outbound_nodes = []  # symbolic calls that consume this layer's outputs (functional_call.Node)
        remat_scope = current_remat_scope()
        if remat_scope is not None:  # keras.RematScope: this layer recomputes its call in backward
            self._remat_scope = remat_scope

    # -- attributes -------------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if type(value) is np.ndarray and not type(self).__module__.startswith("tkeras."):
            # A user's layer holding a NumPy array (`self.masks = np.array(...)`) uses it with tensors
            # in `call`, as TensorFlow allows: see backend/array_operands.py.
            value = tensor_operand_view(value)
        if "_modules" not in self.__dict__:
            # Before `super().__init__()` (allowed by Keras with TensorFlow and JAX): nn.Module cannot
            # register a sublayer or weight yet, so the value waits in the instance dict until
            # Layer.__init__ registers it (`_adopt_early_attributes`).
            object.__setattr__(self, name, value)
            if isinstance(value, (torch.nn.Module, torch.nn.Parameter, list, tuple, dict)):
                self.__dict__.setdefault("_early_attributes", []).append(name)
            return
        # A weight made by add_weight is registered under its own name already; assigning it to an
        # attribute (`self.W = self.add_weight(...)`) must not register it twice. It is kept in the
        # instance dict too, so the hot path reads it without nn.Module's __getattr__ fallback.
        if isinstance(value, Variable) and "_own_weights" in self.__dict__ and any(
                value is w for w in self._own_weights):
            object.__setattr__(self, name, value)
            return
        if value is None and name == "activation" and type(self).call.__module__.startswith("tkeras."):
            # `model.layers[-1].activation = None` (keras-io's Grad-CAM drops the softmax so): Keras'
            # built-in calls skip a None activation; tkeras' call it unconditionally, so store identity.
            from tkeras import activations
            value = activations.linear
        if isinstance(value, (list, dict)) and not name.startswith("_") and _may_hold_layers(value):
            # `self.stages = []` then `.append(Block())`: later members are tracked too (Keras does).
            value = tracked_containers.tracked(value, self, name)
        super().__setattr__(name, value)
        # Layers held in lists, tuples or dicts (`self.blocks = [Dense(4), Dense(2)]`) are tracked
        # as Keras does, so their weights are the model's weights.
        if isinstance(value, (list, tuple, dict)) and "_modules" in self.__dict__:
            self._track_container(name, value)

    def _adopt_early_attributes(self):
        for name in self.__dict__.pop("_early_attributes", ()):
            if name in self.__dict__:
                self.__setattr__(name, self.__dict__.pop(name))

    def _track_container(self, name, value, replace=False):
        """Registers the layers in `value` as sublayers under `<name>__<key>`. With `replace` (the
        container changed membership) the registrations for `name` are redone: layers no longer in it are
        forgotten, the remaining ones keep their place in the tracking order (hence in `weights`), as in
        Keras, and new ones come last."""
        items = value.items() if isinstance(value, dict) else enumerate(value)
        keyed = [(f"{name}__{key}", item) for key, item in items if isinstance(item, Layer)]
        if replace:
            prefix, new_keys, placed, rebuilt = f"{name}__", {}, set(), {}
            for key, item in keyed:
                new_keys.setdefault(id(item), key)
            for key, module in self._modules.items():
                if not key.startswith(prefix):
                    rebuilt[key] = module
                elif id(module) in new_keys and id(module) not in placed:
                    rebuilt[new_keys[id(module)]] = module
                    placed.add(id(module))
            keyed = [(key, item) for key, item in keyed if id(item) not in placed]
            self._modules.clear()
            self._modules.update(rebuilt)
        for key, item in keyed:
            self._modules[key] = item

    # Keras' split: weights are made in `variable_dtype` (what `dtype` reports), arithmetic runs in
    # `compute_dtype`; they differ only under a mixed policy.
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_dtype_policy(value, explicit=True)

    def _set_dtype_policy(self, dtype, explicit):
        self._dtype_policy = _precision.policy_for_layer(dtype)
        self._precision_explicit = explicit
        # What floating inputs are cast to on arrival (None: a non-float layer; see layer_inputs.py).
        self._float_input_dtype = float_input_dtype(self)

    @property
    def dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def torch_dtype(self):
        return config.standardize_dtype(self.dtype)

    # `trainable` (a setter that also flips the weights' own flags) lives in layer_weights.py.

    def _direct_sublayers(self):
        seen = set()
        result = []
        for module in self._modules.values():
            if isinstance(module, Layer) and id(module) not in seen:
                seen.add(id(module))
                result.append(module)
        return result

    def _flatten_layers(self, include_self=True, recursive=True):
        """Keras' order: this layer, its sublayers in order, each one's own sublayers (reversed, as Keras'
        deque.extendleft puts them) right after it."""
        result, seen, queue = [self] if include_self else [], set(), list(self._direct_sublayers())
        while queue:
            layer = queue.pop(0)
            if id(layer) not in seen:
                seen.add(id(layer))
                result.append(layer)
                queue[0:0] = reversed(layer._direct_sublayers()) if recursive else ()
        return result

    stateless_call = layer_stateless.stateless_call  # Keras 3's stateless API (layer_stateless.py)

    # -- losses (regularization, add_loss) --------------------------------------------------------
    def add_loss(self, loss, inputs=None):
        """A loss term computed in `call` (fit adds it to the step's loss); Keras 2's `inputs=` is accepted."""
        scope = active_stateless_scope()
        if scope is not None and scope.collect_losses:  # keras.StatelessScope(collect_losses=True) keeps it
            scope.add_loss(loss)
            return
        self._losses.append(loss)
        added_losses.PENDING_LOSSES.append((self, loss))

    def add_metric(self, value, name=None, aggregation=None):
        """Keras 2: report a value computed in `call` as a metric; fit/evaluate log its mean per epoch
        (added_losses.record_metric)."""
        added_losses.record_metric(self, value, name, aggregation)

    @property
    def losses(self):
        """Regularization penalties of the weights plus losses added during the last call."""
        return added_losses.layer_losses(self)

    # -- build and call ---------------------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def _build_from_shape(self, input_shape):
        if type(self).call is not type(self)._call_signature_of:  # `MyLayer.call = call` after the class
            call_arguments.read_call_signature(type(self))
        self.build(layer_build.shape_for_build(input_shape))
        self.built = True
        self._build_input_shape = input_shape
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def __call__(self, *args, **kwargs):
        if args:
            inputs, args = args[0], args[1:]
            if args and self._positional_call_names:
                args, kwargs = call_arguments.flags_as_keywords(self, args, kwargs)
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        else:
            inputs, kwargs = call_arguments.inputs_from_keywords(self, kwargs)
        if type(inputs) is not torch.Tensor:
            if is_symbolic(inputs):
                if not self.built and hasattr(self, "_build_on_symbolic_inputs"):  # a subclassed Model
                    self._build_on_symbolic_inputs(inputs)
                from tkeras.models.functional_call import symbolic_call
                return symbolic_call(self, inputs, args, kwargs)
            if isinstance(inputs, dict):
                inputs = {k: self._converted(v) for k, v in inputs.items()}
            elif isinstance(inputs, (list, tuple)) and is_nested_numbers(inputs):
                inputs = to_torch(inputs, conversion_dtype(self), self.name)
            elif isinstance(inputs, (list, tuple)) and self._user_call_takes_text and is_text(inputs):
                inputs = np.asarray(inputs, dtype=object)  # `layer(["a", "b"])`: one text input, as Keras reads it
            elif isinstance(inputs, (list, tuple)):
                inputs = [self._converted(v) for v in inputs]
            elif not isinstance(inputs, torch.Tensor) and not (self._takes_strings() and is_text(inputs)):
                inputs = to_torch(inputs, conversion_dtype(self), self.name)
        context = CALL_CONTEXT
        if context.depth == 0 and not context.raw:
            # A user's torch tensor (or mask) still on the host while the weights live on the GPU:
            # moved here, as TensorFlow places eager inputs, instead of a device error deep in torch.
            # A layer with `autocast=False` keeps its float inputs' dtype, as Keras leaves them uncast.
            keep_float = not self.__dict__.get("_autocast", True)
            inputs = on_compute_device(inputs, None if keep_float else self._float_input_dtype)
            if kwargs.get("mask") is not None:
                kwargs["mask"] = on_compute_device(kwargs["mask"])
        elif type(inputs) is torch.Tensor:
            # An inner call: Keras casts float inputs to each layer's dtype, not only at the entrance.
            # The float32 hot path pays this one identity test.
            if inputs.dtype is not self._float_input_dtype and inputs.is_floating_point():
                inputs = autocast_inputs(self, inputs)
        elif inputs is not None:
            inputs = autocast_inputs(self, inputs)
        if self._casts_integer_inputs and self._float_input_dtype is not None and not (
                type(inputs) is torch.Tensor and inputs.is_floating_point()):
            inputs = integers_to_float(inputs, self._float_input_dtype)
        if not self.built:
            self._build_from_shape(shape_of(inputs))
            naming = building(self)  # sublayers first built in this call are named under this layer's path
        else:
            naming = None
        if self.input_spec is not None:
            self._check_input_spec(inputs)
        if context.depth == 0 and added_losses.PENDING_LOSSES:
            added_losses.clear_pending_losses()
        outer_training = context.training
        if self._call_takes_training:
            training = kwargs.get("training")
            if training is None:
                kwargs["training"] = (bool(outer_training) if outer_training is not None
                                      else self._call_default_training)
            else:
                context.training = bool(training)
        else:
            training = kwargs.pop("training", None)
            if training is not None:
                context.training = bool(training)
        if self._call_takes_mask:
            # Keras 3 fills `mask` only for a call given one tensor argument; with several
            # (`decoder(x, encoder_outputs)`) it stays None and `<argument>_mask` parameters are filled.
            if kwargs.get("mask") is None and not (
                    (args or len(kwargs) > 1) and call_arguments.other_tensor_arguments(args, kwargs)):
                kwargs["mask"] = mask_of(inputs)
        elif "mask" in kwargs:
            kwargs.pop("mask")
        if self._call_mask_parameters:
            call_arguments.fill_argument_masks(self, inputs, args, kwargs)
        scope = cast = half = None
        if _precision.mixed_in_use():  # until a mixed policy appears, this one test is all it costs
            scope, cast = _precision.layer_precision(self._dtype_policy, self._precision_explicit)
            half = _half_outputs.output_dtype(self)
            if not self.__dict__.get("_autocast", True):
                scope, cast = _precision.outside_autocast(), False
            if cast:
                inputs = on_compute_device(inputs, self._float_input_dtype)
        # Read before the call, as Keras does: a MultiHeadAttention called inside consumes the inputs' masks.
        passes_masks = self.supports_masking or type(self).compute_mask is not Layer.compute_mask
        if passes_masks:
            previous_mask = kwargs.get("mask")
            if previous_mask is None:
                previous_mask = mask_of(inputs)
        call = self.call
        if "_remat_scope" in self.__dict__:
            call = layer_remat.call_function(self, self._remat_scope, inputs, args, kwargs) or call
        context.depth += 1
        try:
            if scope is None and naming is None:
                outputs = call(inputs, *args, **kwargs)
            else:
                with scope or contextlib.nullcontext(), naming or contextlib.nullcontext():
                    outputs = call(inputs, *args, **kwargs)
        finally:
            context.depth -= 1
            context.training = outer_training
        if half is not None:
            outputs = _half_outputs.cast_outputs(outputs, half)
        if passes_masks:
            mask = self.compute_mask(inputs, previous_mask)
            if mask is not None and isinstance(outputs, torch.Tensor):
                outputs._keras_mask = mask
            elif mask is not None and isinstance(outputs, (list, tuple)):
                call_arguments.attach_masks(outputs, mask)
        if self.activity_regularizer is not None and isinstance(outputs, torch.Tensor):
            self.add_loss(self.activity_regularizer(outputs) / outputs.shape[0])
        if added_losses.PENDING_METRICS and context.depth == 0:
            added_losses.record_added_metrics(self)
        if context.depth == 0 and not context.training and not context.raw:
            if type(outputs) is torch.Tensor and "_keras_mask" in outputs.__dict__:
                outputs = ragged_output(outputs)  # ragged inputs' sequences stay ragged, as in TensorFlow
            outputs = wrap_eager_output(outputs)
        return outputs

    # Layers that take raw text (TextVectorization) set this; a Sequential asks its first layer.
    accepts_strings = False

    # A user's layer (its own `call`, outside tkeras) gets raw text as it comes, as Keras hands a string
    # tensor to any layer: QREmbedding-style layers look strings up themselves. Decided per class.
    _user_call_takes_text = False

    def _takes_strings(self):
        return self.accepts_strings or self._user_call_takes_text

    def _converted(self, value):
        """One of several inputs as a tensor; raw text stays as it is for a layer or model taking strings."""
        if value is None or isinstance(value, torch.Tensor) or (is_text(value) and self._takes_strings()):
            return value  # None: an optional input left out (Keras 3's `Input(optional=True)`)
        if isinstance(value, dict):  # nested inputs, e.g. {"images": ..., "bounding_boxes": {"boxes": ...}}
            return {k: self._converted(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)) and value and not is_nested_numbers(value):
            # a list of arrays is a structure, one tensor each (they may differ in shape), as tf.nest
            # reads `{"noise": [noise_4x4, noise_8x8]}`; a list of numbers is one tensor
            converted = [self._converted(v) for v in value]
            return converted if isinstance(value, list) else tuple(converted)
        return to_torch(value, conversion_dtype(self), self.name)

    # nn.Module's forward is what torch tooling (DDP, ONNX export, torch.compile) calls.
    def forward(self, *args, **kwargs):
        return self.__call__(*args, **kwargs)

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    def _check_input_spec(self, inputs):
        check_input_spec(self.name, self.input_spec, inputs)

    def _output_dtype(self, input_dtype):
        """The dtype name of the symbolic output (functional API) given the first input's: the layer's
        compute dtype (float16 under mixed_float16, as Keras reports it), unless the layer hands out ids
        (lookups) or passes its input on (Identity)."""
        return self.compute_dtype

    def compute_output_shape(self, input_shape):
        """Default: run the layer once on zeros (batch of 1). Layers with unknown dims override this."""
        def known(shape):
            return all(d is not None for d in shape[1:])
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        if not all(known(tuple(s)) for s in shapes):
            raise NotImplementedError(
                f"Layer {self.name!r} ({type(self).__name__}) cannot infer its output shape from "
                f"{input_shape}; implement compute_output_shape")
        # A static batch size (`Input(batch_shape=(16, ...))`) is probed with and kept, as Keras keeps it.
        batch = next((s[0] for s in shapes if len(s) and s[0] is not None), None)
        probes = [self._zeros_probe((batch or 1,) + tuple(s[1:])) for s in shapes]
        with probing(), building(self):
            outputs = self.__call__(probes if isinstance(input_shape, list) else probes[0], training=False)
        if outputs is None:  # a call() that returns nothing has no output shape (its symbolic call gives None)
            return None
        if isinstance(outputs, (list, tuple)):
            shapes = [(batch,) + tuple(o.shape[1:]) for o in outputs]
            return tuple(shapes) if type(outputs) is tuple else shapes  # the call's own structure, as Keras
        return (batch,) + tuple(outputs.shape[1:])

    def _zeros_probe(self, shape):
        """What a shape probe feeds: zeros of the layer's dtype, or empty strings for a layer made with
        `dtype=tf.string` (a hand-written text vectorizer first in a Sequential), whose call reads text."""
        if self.dtype == "string":
            return np.full(shape, "", dtype=object)
        return torch.zeros(shape, dtype=self.torch_dtype, device=config.device())

    # -- configuration ----------------------------------------------------------------------------
    @auto_config.mark_default
    def get_config(self):
        config_ = auto_config.recorded_config(self)  # a custom layer's own constructor arguments, if any
        config_.update(trainable=self.trainable, dtype=self._dtype_policy.name)
        if self.activity_regularizer is not None:  # Keras 3 writes it only when there is one
            from tkeras import regularizers
            config_["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        # Keras 3 keeps `input_shape=` out of the layer's config (a Sequential writes an InputLayer for
        # it instead), and refuses a `batch_input_shape` key there: a file real Keras reads has none.
        return config_

    @classmethod
    def from_config(cls, config_):
        from tkeras.saving.config_compat import class_config, normalize
        return cls(**class_config(cls, normalize(config_)))

    get_build_config = layer_build.get_build_config  # layer_build.py: also what an explicit build() got
    build_from_config = layer_build.build_from_config

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _may_hold_layers(container):
    """An empty list or dict (to be filled), or one holding a layer: the containers worth tracking.
    Private attributes and containers of plain values (`self.kernel_size = [3, 3]`) stay plain."""
    values = container.values() if isinstance(container, dict) else container
    return not values or any(isinstance(value, Layer) for value in values)
