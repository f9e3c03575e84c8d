"""Read-only layer attributes of Keras 3 and tf-keras that tkeras derives instead of storing.

They are class-level defaults or properties computed when read, so building and calling a layer costs
nothing extra. `input`/`output` (and tf-keras' masks) come from the layer's first call on symbolic
tensors (node 0), as in Keras 3; a layer never called symbolically has none of them.
"""
import inspect


class LayerAttributes:
    supports_jit = True  # Keras 3: whether a compiled (jit) step may run the layer
    dynamic = False      # tf-keras: layers that refused graph mode; every tkeras layer runs eagerly
    stateful = False     # tf-keras: recurrent layers built with stateful=True set their own

    @property
    def input_shape(self):
        """The shape the layer was built for (or declared with `input_shape=` / `batch_input_shape=`)."""
        if self._build_input_shape is not None:
            return self._build_input_shape
        if self._batch_input_shape is not None:
            return self._batch_input_shape
        raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined input shape")

    @property
    def output_shape(self):
        if self._output_shape_cache is None:
            self._output_shape_cache = self.compute_output_shape(self.input_shape)
        return self._output_shape_cache

    @property
    def autocast(self):
        """Keras 3: whether the layer casts its float inputs to its compute dtype under a mixed policy."""
        return self.__dict__.get("_autocast", True)

    @autocast.setter
    def autocast(self, value):
        self.__dict__["_autocast"] = bool(value)

    @property
    def call_signature_parameters(self):
        """The parameter names of this layer's `call`."""
        return list(inspect.signature(self.call).parameters)

    @property
    def updates(self):
        """tf-keras' pending state updates: always empty, updates happen as the layer runs."""
        return []

    @property
    def submodules(self):
        """tf-keras layers are `tf.Module`s, and scripts list what a model holds through this: every
        layer nested inside (this one excluded) and the metrics kept as attributes, in TensorFlow's walk
        order: a layer's direct children together (attribute metrics first, as tf-keras files them
        before its layers), then each child's own submodules in turn."""
        found = []
        _collect_submodules(self, found, {id(self)})
        return tuple(found)

    @property
    def inbound_nodes(self):
        """tf-keras' public name for the layer's calls on symbolic tensors, first call first."""
        return self.__dict__.get("_inbound_nodes", [])

    @property
    def outbound_nodes(self):
        """tf-keras' public name for the symbolic calls that take this layer's outputs as inputs."""
        return self.__dict__.get("_outbound_nodes", [])

    def _first_node_value(self, what, getter):
        if not self.__dict__.get("_inbound_nodes"):
            raise AttributeError(f"Layer {self.name!r} has no {what}: it has not been called on symbolic "
                                 f"tensors (keras.Input) yet")
        return getter(0)

    @property
    def input(self):
        """The input tensor(s) of the layer's first symbolic call."""
        return self._first_node_value("input", self.get_input_at)

    @property
    def output(self):
        """The output tensor(s) of the layer's first symbolic call."""
        return self._first_node_value("output", self.get_output_at)

    @property
    def input_mask(self):
        """tf-keras: the mask(s) of the inputs of the layer's first symbolic call."""
        return self._first_node_value("input mask", self.get_input_mask_at)

    @property
    def output_mask(self):
        """tf-keras: the mask(s) of the outputs of the layer's first symbolic call."""
        return self._first_node_value("output mask", self.get_output_mask_at)


def _collect_submodules(parent, found, seen):
    from tkeras.metrics.metric_layer_attributes import MetricLayerAttributes
    metrics = [value for value in vars(parent).values() if isinstance(value, MetricLayerAttributes)]
    layers = parent._direct_sublayers() if hasattr(parent, "_direct_sublayers") else []
    children = [child for child in metrics + layers if id(child) not in seen]
    seen.update(id(child) for child in children)
    found.extend(children)
    for child in children:
        _collect_submodules(child, found, seen)
