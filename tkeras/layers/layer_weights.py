"""A layer's weights: creating them (`add_weight`), listing them as Keras does (`weights`,
`trainable_weights`, `non_trainable_weights`, in weight_order.py's order, sublayers after the layer's
own), and reading and writing them as arrays (`get_weights`, `set_weights`, `count_params`).

Also `trainable`. As in Keras 3, the layer flag is not a filter laid over the weights: setting it writes
the `trainable` flag of every weight the layer made trainable (and recurses into sublayers), so the
flags alone tell the optimizer, autograd (`requires_grad`) and an enclosing model what trains. A weight
made non-trainable at creation (BatchNormalization's moving statistics) is never switched on; one
switched off by hand while the layer was trainable is switched back on by the next `trainable = True`.
`trainable_weights` of a layer is empty while the layer itself is frozen, otherwise every weight under
it whose own flag is on (a weight switched back on by hand inside a frozen sublayer counts, as in
Keras).

A mixin of `Layer` (layer.py): it relies on the layer's `_own_weights` (creation order), `_trainable`,
`name`, `dtype`, `built` and `_direct_sublayers()`.
"""
import numbers

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.variable import Variable, assign_arrays
from tkeras.layers.layer_paths import current_prefix
from tkeras.layers.weight_order import own_in_keras_order, tracked_trainable
from tkeras.ops.random import SeedGenerator


class LayerWeights:
    _seed_generators = ()  # keras.random.SeedGenerator attributes, in assignment order (the instance's list)

    def __setattr__(self, name, value):
        if isinstance(value, SeedGenerator):
            # As Keras tracks them: the generator's state variable is layer state (`variables`,
            # `non_trainable_variables`), though not a weight.
            generators = self.__dict__.setdefault("_seed_generators", [])
            if not any(value is known for known in generators):
                generators.append(value)
                _prefix_with_building_path(value)
        # `self.embeddings = tf.Variable(...)` (keras-io's VQ-VAE codebook) or `keras.Variable(...)`: a
        # variable no layer has taken yet becomes this layer's weight, as Keras' attribute tracking makes
        # it, so it trains and counts in `weights`. One already tracked elsewhere (a shared kernel) stays
        # its owner's. Layer.__setattr__ runs first and hands every other attribute on unchanged.
        if (isinstance(value, Variable) and "_keras_tracked_trainable" not in value.__dict__
                and "_own_weights" in self.__dict__):
            self._track_weight(value, value.name or name)
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, **kwargs):
        """Create a weight (a `Variable`) owned by this layer, in Keras' order and layout. Positional
        arguments follow the order of the Keras release the call was written for (add_weight_args)."""
        from tkeras import constraints, initializers, regularizers
        if args:
            from tkeras.layers.add_weight_args import merge_positional
            given = merge_positional(self.name, args, {
                "shape": shape, "initializer": initializer, "dtype": dtype, "trainable": trainable,
                "regularizer": regularizer, "constraint": constraint, "name": name})
            shape, initializer = given["shape"], given["initializer"]
            dtype, trainable = given["dtype"], given["trainable"]
            regularizer, constraint, name = given["regularizer"], given["constraint"], given["name"]
        if "getter" in kwargs or "partitioner" in kwargs:
            kwargs.pop("getter", None), kwargs.pop("partitioner", None)
        if kwargs.pop("use_resource", None) is not None or kwargs.pop("synchronization", None) is not None:
            pass
        kwargs.pop("aggregation", None)
        if kwargs:
            raise TypeError(f"{self.name}.add_weight: unexpected keyword argument(s) {sorted(kwargs)}")
        if isinstance(shape, numbers.Integral):
            # tf.keras 2 takes a bare int for a vector (Hands-On ML's DenseTranspose: shape=dense.input_shape[-1])
            shape = (shape,)
        shape = tuple(int(d) for d in (shape or ()))
        torch_dtype = config.standardize_dtype(dtype or self.dtype)
        if initializer is None:
            initializer = "glorot_uniform" if torch_dtype.is_floating_point else "zeros"
        init = initializers.get(initializer)
        with torch.no_grad():
            value = init(shape, dtype=torch_dtype)
            value = torch.as_tensor(value, dtype=torch_dtype).to(config.device())
        weight_name = name if name is not None else f"variable_{len(self._own_weights)}"
        variable = Variable(value, trainable=trainable, name=weight_name, dtype=torch_dtype)
        variable.regularizer = regularizers.get(regularizer) if regularizer is not None else None
        variable.constraint = constraints.get(constraint) if constraint is not None else None
        return self._track_weight(variable, weight_name)

    def _track_weight(self, variable, weight_name):
        """Make `variable` one of this layer's weights (a registered parameter, in creation order)."""
        variable._keras_path = f"{self.__dict__.get('_path') or self.name}/{weight_name}"  # layer_paths.py
        if "_keras_tracked_trainable" not in variable.__dict__:  # where `weights` lists it (weight_order.py)
            variable._keras_tracked_trainable = bool(variable._keras_trainable)
        if not self._trainable:  # made by a frozen layer: frozen until the layer is unfrozen
            variable.trainable = False
        key = weight_name.replace(".", "_").replace("/", "_")
        if self.__dict__.get(key, False) is None:
            del self.__dict__[key]  # `self.bias = None` placeholder, about to be replaced
        # A name the class already has (`add_weight(name="weights")` vs the `weights` property) can't
        # be the parameter's attribute either; the weight keeps its Keras name all the same. The one
        # exception is a LoRA-capable layer's own weight property (`kernel`, `embeddings`), which reads
        # the weight registered under that very name (state_dict keys stay the plain layer's).
        lora_target = getattr(type(self), "_lora_target", None)
        while key in self._parameters or key in self._modules or key in self.__dict__ or (
                key != lora_target and hasattr(type(self), key)):
            key = key + "_"
        self._own_weights.append(variable)
        self.register_parameter(key, variable)
        return variable

    @property
    def weights(self):
        own = own_in_keras_order(self._own_weights)
        return _dedupe(own + [w for layer in self._direct_sublayers() for w in layer.weights])

    @property
    def variables(self):
        """`weights` plus the state of the layer's seed generators (after its own weights, before its
        sublayers' variables, as Keras lists them)."""
        own = own_in_keras_order(self._own_weights)
        seeds = [generator.state for generator in self._seed_generators]
        return _dedupe(own + seeds + [v for layer in self._direct_sublayers() for v in layer.variables])

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for variable in self._own_weights:
            if "_keras_tracked_trainable" not in variable.__dict__:
                # Appended without _track_weight (a wrapped torch module's parameters): the flag it
                # has now is the one it was made with, and the one unfreezing must give back.
                variable._keras_tracked_trainable = bool(variable._keras_trainable)
            if tracked_trainable(variable):
                variable.trainable = value  # also sets requires_grad (backend/variable.py)
        for layer in self._direct_sublayers():
            layer.trainable = value  # the sublayer's own setter: a nested Model drops its caches

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [w for w in self.weights if w._keras_trainable]

    @trainable_weights.setter
    def trainable_weights(self, variables):
        self._adopt_weights(variables, trainable=True)

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [w for w in self.weights if not w._keras_trainable]

    @non_trainable_weights.setter
    def non_trainable_weights(self, variables):
        self._adopt_weights(variables, trainable=False)

    @property
    def non_trainable_variables(self):
        """`non_trainable_weights` plus the seed generators' states (`variables` that do not train)."""
        if not self._trainable:
            return self.variables
        return [v for v in self.variables if not v._keras_trainable]

    def _adopt_weights(self, variables, trainable):
        """Keras 1 custom layers made their weights with `K.variable(...)` in build() and listed them:
        `self.trainable_weights = [self.W]`. Those variables become this layer's weights."""
        from tkeras.backend.variable import Variable
        for i, variable in enumerate(variables):
            if not isinstance(variable, Variable):
                raise TypeError(f"Layer {self.name!r}: trainable_weights/non_trainable_weights must list variables "
                                f"(K.variable(...) or self.add_weight(...)), received {type(variable).__name__} "
                                f"at position {i}")
            if any(variable is own for own in self._own_weights):
                if not trainable and variable._keras_trainable:
                    # A `K.variable` taken as a weight when assigned to `self.M`, then listed here:
                    # the list says it is frozen, as it did when listing made it a weight.
                    variable.trainable = False
                    variable._keras_tracked_trainable = False
                continue
            variable.trainable = trainable
            self._track_weight(variable, variable.name or f"variable_{len(self._own_weights)}")

    def get_weights(self):
        return [w.detach().cpu().numpy().copy() for w in self.weights]

    def set_weights(self, weights):
        assign_arrays(f"Layer {self.name!r}", self.weights, list(weights))

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call count_params on layer {self.name!r}, but the layer isn't built. "
                f"Build it first by calling it on data or with build(input_shape).")
        return int(sum(int(np.prod(w.shape)) for w in self.weights))


def _prefix_with_building_path(generator):
    """Keras names a generator made while a layer builds (the Dropout MultiHeadAttention makes in its
    build) under that layer's scope: "multi_head_attention/seed_generator/seed_generator_state". tkeras
    knows the building layer here, when the new generator is handed to its layer (just after it is made)."""
    prefix = current_prefix()
    state = generator.state
    if prefix and state._keras_path == f"{generator.name}/seed_generator_state":
        state._keras_path = f"{prefix}/{state._keras_path}"


def _dedupe(weights):
    seen, result = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            result.append(w)
    return result
