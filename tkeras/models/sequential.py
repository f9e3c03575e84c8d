"""Sequential: a plain stack of layers, each feeding the next.

It builds as soon as it knows its input shape (from `Input`, an `InputLayer`, or the first layer's
`input_shape=`/`input_dim=`), as Keras does, so `summary()` works before any data is seen; otherwise
it builds on the first batch.
"""
import warnings

from tkeras.backend.gradient_sources import GradientSourcesNeeded
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.core.input_layer import InputLayer
from tkeras.layers.layer import Layer
from tkeras.layers.layer_build import shape_for_build
from tkeras.layers.layer_inputs import declare_float_input, float_input_dtype
from tkeras.models import inference_fusion, input_gradients, sequential_endpoints
from tkeras.models.input_conformance import Conformer
from tkeras.models.model import Model


class Sequential(Model):
    _loss_endpoints = ()  # tf-keras 2's losses added over the stack's tensors (sequential_endpoints.py)

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._stack = []
        self._input_batch_shape = None
        self._input_dtype = None
        # The InputLayer the config lists first: the user's own, or one made when the model was built
        # from a shape (first layer's `input_shape=`, `build()`, first data), as Keras records it.
        self._input_layer = None
        self._input_implied = False
        self._input_conformer = None  # once the input shape is declared (input_conformance.py)
        self._layer_output_shapes = {}
        for layer in layers or []:
            self.add(layer)

    # -- assembling -------------------------------------------------------------------------------
    def add(self, layer):
        if isinstance(layer, KerasTensor):
            producer = layer._keras_history[0] if layer._keras_history else None
            if isinstance(producer, InputLayer):
                layer = producer
            else:
                raise ValueError("Sequential.add accepts layers, or the tensor returned by Input(shape=...)")
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer instance, received {layer!r} of type {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self._stack:
                raise ValueError("An InputLayer can only be the first layer of a Sequential model")
            self._input_batch_shape = layer._batch_input_shape
            self._input_dtype = layer.dtype
            self._input_layer, self._input_implied = layer, False
            self._input_conformer = Conformer(self.name, layer.name, self._input_batch_shape, self._input_dtype)
            # Keras' Sequential takes floats in its Input's dtype; a non-float Input's conformer converts them.
            declared = self._input_conformer.dtype
            declare_float_input(self, declared if declared is not None and declared.is_floating_point else None)
            return
        # The same instance may come again (weights shared between positions), as in Keras.
        names = {other.name for other in self._stack if other is not layer}
        if layer.name in names:
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"{layer.name!r} is already the name of a layer in this model.")
        declared = layer._batch_input_shape
        if declared is None and isinstance(layer, Sequential):  # a nested Sequential built from its Input
            declared = layer._input_batch_shape
        if not self._stack and self._input_batch_shape is None and declared is not None:
            self._input_batch_shape = declared
            self._input_conformer = Conformer(self.name, layer.name, self._input_batch_shape, None)
            # Keras makes this Input in floatx whatever the layer's dtype; it is not the user's own
            self._input_layer, self._input_implied = InputLayer(batch_shape=self._input_batch_shape), True
        if self._loss_endpoints:
            sequential_endpoints.drop_added_losses(self)
        self._stack.append(layer)
        self.add_module(f"layer_{len(self._stack) - 1}_{layer.name}".replace(".", "_"), layer)
        self.built = False
        self._output_shape_cache = None
        self._invalidate_caches()
        if self._input_batch_shape is not None:
            self.build(self._input_batch_shape)
            self._extend_symbolic_graph()

    def pop(self):
        if not self._stack:
            raise TypeError("There are no layers in the model to pop")
        layer = self._stack.pop()
        if self._loss_endpoints:
            sequential_endpoints.drop_added_losses(self)
        for key, module in list(self._modules.items()):
            if module is layer:
                del self._modules[key]
        self._layer_output_shapes.pop(id(layer), None)
        graph = self.__dict__.get("_symbolic")
        if graph is not None and len(graph[2]) > len(self._stack):  # the layers below keep their tensors
            self.__dict__["_symbolic"] = (graph[0], graph[1][:len(self._stack)], graph[2][:len(self._stack)])
        self._invalidate_caches()
        self._output_shape_cache = None
        return layer

    @property
    def layers(self):
        return list(self._stack)

    # -- building and running ---------------------------------------------------------------------
    def build(self, input_shape=None):
        if input_shape is None:
            input_shape = self._input_batch_shape
        if input_shape is None:
            raise ValueError("You must provide an input_shape argument to build a Sequential model")
        if isinstance(input_shape, dict):
            # A first layer that takes a dict of features (tf-keras 2's DenseFeatures, a user's layer on a
            # dataset of columns): no one shape flows through the stack, so each layer builds on its
            # first call, as Keras 2's deferred Sequential did.
            self._build_input_shape = dict(input_shape)
            self.built = True
            self._invalidate_caches()
            return
        shape = tuple(input_shape)
        if self.built and self._input_layer is not None and not self._input_implied \
                and shape != tuple(self._input_batch_shape):
            # tf-keras 2 ignores a build shape once an Input fixed the graph (Python Machine Learning's
            # GAN builds its critic with the flat (None, 784) after Input((28, 28, 1))); Keras 3 refuses.
            warnings.warn(f"Sequential model '{self.name}' already has the input shape "
                          f"{tuple(self._input_batch_shape)} from its Input; build(input_shape={shape}) is "
                          f"ignored", stacklevel=2)
            return
        self._build_input_shape = shape
        # (a Keras 1 Merge first layer takes several inputs: no one Input to record then)
        flat = all(d is None or isinstance(d, int) for d in shape)
        stale = self._input_layer is None or (self._input_implied and shape != self._input_batch_shape)
        if self._stack and flat and stale:
            self._imply_input(shape)
        for layer in self._stack:
            if not layer.built:
                layer._build_from_shape(shape)
            try:
                shape = layer.compute_output_shape(shape_for_build(shape))
            except NotImplementedError:
                shape = None
                break
            self._layer_output_shapes[id(layer)] = shape
        self.built = True
        self._invalidate_caches()
        # Keras 3 builds its functional graph here: the layers get their nodes and the model its
        # `inputs`/`outputs` at once. Done once per build, never per batch.
        self._extend_symbolic_graph()

    def _imply_input(self, shape):
        """Record the Input a shape-built model stands on, in its first layer's compute dtype.

        That dtype is what data is converted to on the way in: a float64 first layer then sees a
        float64 array's digits, not their float32 rounding. A first layer of the model's own float dtype
        (the usual float32 case) or under a mixed policy declares nothing, so that path is untouched.
        """
        first = self._stack[0]
        dtype = first.compute_dtype if isinstance(first.compute_dtype, str) else None
        self._input_layer = InputLayer(batch_shape=shape, dtype=dtype)
        self._input_implied = True
        self._input_batch_shape, self._input_dtype = tuple(shape), self._input_layer.dtype
        policy = first._dtype_policy
        if not policy.is_mixed and first._float_input_dtype is not None \
                and first._float_input_dtype is not self._float_input_dtype:
            declare_float_input(self, first._float_input_dtype)

    def _forget_implied_input(self, previous):
        self._input_layer, self._input_implied = previous[0], previous[1]
        self._input_batch_shape, self._input_dtype = previous[2], previous[3]
        if previous[4] is None:
            self.__dict__.pop("_declared_float", None)
            self.__dict__["_float_input_dtype"] = float_input_dtype(self)
        else:
            declare_float_input(self, previous[4][0])

    def _build_from_shape(self, input_shape):
        # Built by its first data, Keras keeps that data's batch size in the shape (build_config, Input)
        data_shape = self.__dict__.pop("_first_data_shape", None)
        if data_shape is not None and isinstance(input_shape, tuple) and len(data_shape) == len(input_shape):
            input_shape = data_shape
        super()._build_from_shape(input_shape)

    def build_for_summary(self):
        """Build from the input shape Keras 2 implied, so `summary()` before any data prints the model.

        Keras 2's Embedding gave a Sequential model an input of ids of any length, (None, None), so
        scripts of that era call `summary()` on `Sequential([Embedding(10000, 32), LSTM(32), ...])`
        straight away. If the stack cannot be built from that shape (a Flatten needs the length), the
        model stays unbuilt and summary() shows unknown shapes, as Keras 3 does. A first layer may also
        say what input it implies (`implied_input_shape`: Keras 1's Merge, from its branches).
        """
        from tkeras.layers.core.embedding import Embedding
        if self.built or not self._stack:
            return
        first = self._stack[0]
        shape = (None, None) if isinstance(first, Embedding) else getattr(first, "implied_input_shape", None)
        if shape is None:
            return
        previous = getattr(self, "_build_input_shape", None)
        declared = (self.__dict__["_declared_float"],) if "_declared_float" in self.__dict__ else None
        implied = (self._input_layer, self._input_implied, self._input_batch_shape, self._input_dtype, declared)
        try:
            self.build(shape)
        except (ValueError, TypeError, RuntimeError, NotImplementedError):
            self.built = False
            self._build_input_shape = previous
            self._layer_output_shapes = {}
            self._forget_implied_input(implied)

    # Positions in the stack whose inputs a layer differentiates with respect to (input_gradients.py).
    _gradient_source_positions = frozenset()

    def call(self, inputs, training=None, mask=None):
        outputs = inputs if self._input_conformer is None else self._input_conformer(inputs)
        if self._loss_endpoints:
            return sequential_endpoints.run_reporting(self, outputs)
        if self._gradient_source_positions:
            return input_gradients.run_stack_with_sources(self, outputs)
        try:
            for layer in self._inference_stack() if inference_fusion.applies(training) else self._stack:
                outputs = layer(outputs)
        except GradientSourcesNeeded as request:  # a layer differentiates with respect to its input
            return input_gradients.mark_stack_and_rerun(self, request, layer, inputs, outputs)
        return outputs

    def add_loss(self, loss, inputs=None):
        """A symbolic loss over the stack's tensors (`model.add_loss(tf.reduce_mean(model.layers[0].output))`)
        is computed at every call, as tf-keras 2 did (sequential_endpoints.py); any other as any layer's."""
        if isinstance(loss, KerasTensor) or (isinstance(loss, (list, tuple)) and any(
                isinstance(each, KerasTensor) for each in loss)):
            sequential_endpoints.add_symbolic_loss(self, loss)
            return
        super().add_loss(loss)

    def _inference_stack(self):
        """The stack with convolution/BatchNorm/activation groups fused (inference_fusion.py), made once
        per stack."""
        stack = tuple(self._stack)
        cached = self.__dict__.get("_fused_stack")
        if cached is None or cached[0] != stack:
            plan = [(layer, None, {}, index, [index + 1]) for index, layer in enumerate(stack)]
            fused = inference_fusion.fused_plan(plan, {i: [i] for i in range(len(stack))}, {len(stack)})
            cached = self.__dict__["_fused_stack"] = (stack, [step[0] for step in fused] if fused else stack)
        return cached[1]

    def __call__(self, *args, **kwargs):
        if args and type(args[0]) in (list, tuple) and len(args[0]) == 1 and hasattr(args[0][0], "shape"):
            # A stack has one input, and Keras takes `model([x])` (`predict([X_test])`) as `model(x)`.
            args = (args[0][0],) + args[1:]
        if not self.built and args and hasattr(args[0], "shape") and not isinstance(args[0], KerasTensor):
            self._build_input_shape = (None,) + tuple(args[0].shape[1:])
            if self.__dict__.pop("_first_batch_size_fixed", True):  # see loop_helpers.note_batch_size_fixed
                self.__dict__["_first_data_shape"] = tuple(int(d) for d in args[0].shape)
        return super().__call__(*args, **kwargs)

    def _takes_strings(self):
        return bool(self._stack) and self._stack[0]._takes_strings()

    def _output_dtype(self, input_dtype):
        """A nested Sequential hands out what its last layer does (a float32 head under a mixed policy)."""
        return self._stack[-1]._output_dtype(input_dtype) if self._stack else input_dtype

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self._stack:
            shape = layer.compute_output_shape(shape_for_build(shape))
        return shape

    def layer_output_shape(self, layer):
        """The output shape of one layer of the stack, for summary()."""
        if id(layer) not in self._layer_output_shapes and self._build_input_shape is not None:
            shape = self._build_input_shape
            for each in self._stack:
                try:
                    shape = each.compute_output_shape(shape_for_build(shape))
                except NotImplementedError:
                    return None
                self._layer_output_shapes[id(each)] = shape
        return self._layer_output_shapes.get(id(layer))

    # -- Keras' symbolic face: model.input, model.output, layer.output -----------------------------
    def _symbolic_graph(self):
        """The stack traced on an `Input`, so feature extraction works: `Model(model.input,
        model.layers[2].output)`, `K.function([model.layers[0].input], [model.layers[3].output])`.

        As Keras 2 did, each layer added to a model that knows its input shape is called on the previous
        layer's symbolic output at once (`_extend_symbolic_graph`), so every layer's `input`/`output`
        exist and belong to one graph. Returns (input, [output of each layer], ids of the layers)."""
        graph = self.__dict__.get("_symbolic")
        ids = tuple(map(id, self._stack))
        if graph is not None and graph[2] == ids:
            return graph
        if graph is not None and graph[2] == ids[:len(graph[2])]:  # layers added since: call only those
            inputs, outputs = graph[0], list(graph[1])
        else:
            shape = self._input_batch_shape or getattr(self, "_build_input_shape", None)
            if shape is None or not self._stack:
                raise ValueError(f"Sequential model {self.name!r} has no input yet: start it with "
                                 f"keras.Input(shape=...) or give its first layer input_shape=, or call it on data")
            known = self._input_layer
            if known is not None and tuple(known._batch_input_shape) == tuple(shape):
                inputs = known.output
            else:
                from tkeras.layers.core.input_layer import Input
                inputs = Input(batch_shape=tuple(shape), dtype=self._input_dtype)
            outputs = []
        for layer in self._stack[len(outputs):]:
            outputs.append(layer(outputs[-1] if outputs else inputs))
        graph = (inputs, outputs, ids)
        self.__dict__["_symbolic"] = graph
        return graph

    def _extend_symbolic_graph(self):
        """Trace the new layer now (see `_symbolic_graph`); a layer that cannot be traced symbolically
        leaves the model as it was, and `model.output` reports the problem when it is asked for."""
        try:
            self._symbolic_graph()
        except Exception:  # noqa: BLE001 - tracing is a convenience here; fit/predict do not need it
            self.__dict__.pop("_symbolic", None)

    @property
    def input(self):
        return self._symbolic_graph()[0]

    @property
    def output(self):
        return self._symbolic_graph()[1][-1]

    @property
    def inputs(self):
        return [self.input]

    @property
    def outputs(self):
        return [self.output]

    # tf-keras 2 names a built Sequential's one input and one output: serving code reads them to fill
    # requests (`request.inputs[model.input_names[0]]`) and compile() accepts dicts keyed by them. An
    # input the model made itself from a shape is called after the first layer, "<first layer>_input".
    # Both are None until the model knows its input, as there.
    @property
    def input_names(self):
        if "_input_names" in self.__dict__:
            return self.__dict__["_input_names"]
        if not self.built or not self._stack:
            return None
        if self._input_layer is not None and not self._input_implied:
            return [self._input_layer.name]
        return [f"{self._stack[0].name}_input"]

    @input_names.setter
    def input_names(self, names):
        self.__dict__["_input_names"] = names

    @property
    def output_names(self):
        if "_output_names" in self.__dict__:
            return self.__dict__["_output_names"]
        return [self._stack[-1].name] if self.built and self._stack else None

    @output_names.setter
    def output_names(self, names):
        self.__dict__["_output_names"] = names

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        layers = []
        if self._input_layer is not None:
            entry = serialize_keras_object(self._input_layer)
            entry.pop("build_config", None)  # Keras lists the Input by its config alone
            layers.append(entry)
        layers.extend(serialize_keras_object(layer) for layer in self._stack)
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        entries = config["layers"] if isinstance(config, dict) else config
        model = cls(name=config.get("name") if isinstance(config, dict) else None)
        made = {}  # distinct layers have distinct names: a name seen again is a layer used twice
        for entry in entries:
            name = entry.get("config", {}).get("name") if isinstance(entry, dict) else None
            layer = made.get(name)
            if layer is None:
                layer = deserialize_keras_object(entry, custom_objects=custom_objects)
                if name is not None:
                    made[name] = layer
            model.add(layer)
        return model
