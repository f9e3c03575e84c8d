"""Model: a Layer that trains. Subclass it and write `call`, or build one functionally / as a Sequential.

`Model(inputs, outputs)` is the functional API and hands the construction to `Functional`; a bare
subclass gets the training API from `Trainer` and the layer contract from `Layer`.
"""
import inspect

import torch

from tkeras.backend.graph_function import register_graph_maker
from tkeras.layers import auto_config
from tkeras.layers.layer import Layer
from tkeras.models.model_legacy import LegacyModelMethods
from tkeras.training.trainer import Trainer


def _keras1_io(kwargs):
    """Keras 1 spelled the functional constructor `Model(input=..., output=...)`."""
    for old, new in (("input", "inputs"), ("output", "outputs")):
        if old in kwargs and new not in kwargs:
            kwargs[new] = kwargs.pop(old)
    return kwargs


class Model(Trainer, LegacyModelMethods, Layer):
    # A model hands on its layers' outputs as they are: a `dtype='float32'` head stays float32.
    _outputs_in_compute_dtype = False

    def __new__(cls, *args, **kwargs):
        kwargs = _keras1_io(kwargs)
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from tkeras.models.functional import Functional
            return Functional.__new__(Functional)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        kwargs = _keras1_io(kwargs)
        if len(args) == 1 and type(self) is not Model and "outputs" not in kwargs and "inputs" not in kwargs:
            # tf-keras 2 only takes positional arguments as (inputs, outputs) and ignores a lone one, so
            # subclasses written `super().__init__(self)` (tensorflow.org's effective_tf2 guide) build.
            # (`Model(inputs)` itself keeps the functional initializer's error about the missing outputs.)
            args = ()
        if args or "inputs" in kwargs or "outputs" in kwargs:
            # A subclass passing (inputs, outputs) up to Model: the functional initializer takes over.
            from tkeras.models.functional import init_functional
            init_functional(self, *args, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._init_trainer()

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(
            f"Model {self.name!r}: a subclassed Model must implement call(self, inputs, training=None)")

    @property
    def layers(self):
        return [layer for layer in self._direct_sublayers()]

    @property
    def operations(self):
        """Keras 3's `operations`: every node of the model, its layers and (in a functional model) the op
        nodes `layers` leaves out. Summaries, plots, configs, clones and files walk this list."""
        return list(self.layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            if not 0 <= index < len(self.layers) and not -len(self.layers) <= index < 0:
                raise ValueError(f"get_layer: index {index} is out of range for a model with {len(self.layers)} layers")
            return self.layers[index]
        if isinstance(name, int):
            return self.get_layer(index=name)
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Existing layers are: {[l.name for l in self.layers]}")

    def build(self, input_shape=None):
        """Keras' subclassed-model build: run the model once on zeros of that shape (`_build_by_probe_run`).
        Not a full probe: weights that sublayer builds assign during the call must keep their values."""
        if input_shape is None:
            raise ValueError(f"Model {self.name!r}: build() needs an input_shape")
        if type(self).call is Model.call:
            self.built = True
            return
        missing = _call_arguments_besides_inputs(type(self))
        if missing:  # tf-keras 2 refuses this build too (a ValueError), rather than a TypeError from call
            raise ValueError(
                f"Model {self.name!r} ({type(self).__name__}): build(input_shape) cannot run call(), which also "
                f"needs {', '.join(repr(n) for n in missing)}; call the model on real data with all its "
                f"arguments to build it")
        self._build_by_probe_run(_zeros_of_shapes(input_shape))
        self._build_input_shape = input_shape if isinstance(input_shape, dict) else tuple(input_shape)

    def _build_from_shape(self, input_shape):
        if type(self).build is Model.build and _call_arguments_besides_inputs(type(self)):
            # `call(self, x, hidden)` (the seq2seq encoders of TensorFlow's translation tutorial): a probe
            # run has nothing to give `hidden`. tf-keras 2 never runs the default build on a first call
            # and Keras 3 traces that call with all its arguments; here the call about to run builds the
            # sublayers with its real arguments.
            self.built = True
            self._build_input_shape = input_shape
            return
        super()._build_from_shape(input_shape)

    def _build_on_symbolic_inputs(self, inputs):
        """First called on KerasTensors that include text (`Input(dtype="string")`): Keras 3 builds a model
        with the default build by a symbolic run keeping each input's dtype, so a StringLookup inside
        sees strings. The probe run here gives text inputs empty strings and the others zeros of their
        own dtype. Models with their own build, or with numeric inputs only, build from shapes as before."""
        from tkeras.backend.keras_tensor import KerasTensor
        from tkeras.models.functional_call import _input_shapes, _probe_value
        from tkeras.utils import tree
        if type(self).build is not Model.build or type(self).call is Model.call or not any(
                isinstance(t, KerasTensor) and t.dtype == "string" for t in tree.flatten(inputs)):
            return
        self._build_by_probe_run(tree.map_structure(lambda value: _probe_value(value, (1, 1)), inputs))
        shapes = _input_shapes(inputs)
        self._build_input_shape = shapes if isinstance(shapes, (dict, list)) else tuple(shapes)

    def _build_by_probe_run(self, probes):
        """Run the model once on `probes` to build its layers. Keras traces that call symbolically, so its
        layers' seed generators are put back where they were (the engineers guide's `MyDropout` counts one
        draw per step, not one more for the build)."""
        generators = [g for layer in self._flatten_layers() for g in layer._seed_generators]
        states = [generator.state.detach().clone() for generator in generators]
        with torch.no_grad():
            self.built = True
            self(probes, training=False)
            for generator, state in zip(generators, states):
                generator.state.assign(state)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        from tkeras.utils.summary_utils import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    @auto_config.mark_default
    def get_config(self):
        config = auto_config.recorded_config(self)  # a subclass' own constructor arguments, if any
        config["trainable"] = self.trainable
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "output_layers" in config and _revivable_as_functional(cls):  # a functional config
            from tkeras.models.functional import Functional
            if cls is Model:
                return Functional.from_config(config, custom_objects=custom_objects)
            # A subclass built as `MyModel(inputs, outputs)` that keeps Model's constructor (keras-io's
            # MaskedLanguageModel overriding compute_loss only) comes back as that class, as in Keras 3.
            return Functional.from_config.__func__(cls, config, custom_objects=custom_objects)
        return cls(**config)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        Layer.trainable.fset(self, value)
        self._invalidate_caches()

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, Layer) and "_trainable_params" in self.__dict__:
            self._invalidate_caches()
        if (not name.startswith("_") and hasattr(value, "update_state") and hasattr(value, "result")
                and not isinstance(value, Layer)):
            # Metric trackers held as public attributes (the GAN/VAE pattern) are part of `self.metrics`;
            # the trainer's own private trackers are listed by `metrics` itself.
            tracked = self.__dict__.setdefault("_tracked_metrics", [])
            if all(value is not m for m in tracked):
                tracked.append(value)

    # -- saving: thin delegations to tkeras.saving (owned by the saving work) ----------------------
    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None, **kwargs):
        from tkeras.saving.saving_api import save_model
        return save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer,
                          save_format=save_format, **kwargs)

    def save_weights(self, filepath, overwrite=True, save_format=None, **kwargs):
        from tkeras.saving.saving_api import save_weights
        return save_weights(self, filepath, overwrite=overwrite, save_format=save_format, **kwargs)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, **kwargs):
        from tkeras.saving.saving_api import load_weights
        return load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        from tkeras.saving.saving_api import model_to_json
        return model_to_json(self, **kwargs)
    # -- end of saving block -----------------------------------------------------------------------

    def torch_module(self):
        """This model as a plain `torch.nn.Module`: `forward(*tensors)` → tensors, no Keras wrapper.

        Shares the model's weights; `.eval()` (the default) / `.train()` pick inference or training
        behaviour. See `tkeras.export.InferenceModule`.
        """
        from tkeras.export.torch_module import InferenceModule
        return InferenceModule(self)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantize the weights of every leaf layer that supports `mode` (Keras 3; tkeras: int8 Dense and
        EinsumDense), optionally only the layers `filters` picks (see models/model_quantization.py)."""
        from tkeras.models.model_quantization import quantize_model
        quantize_model(self, mode, config=config, filters=filters, **kwargs)

    def get_quantization_layer_structure(self, mode=None):
        """Keras 3's hook for structure-aware quantization ('gptq', 'awq': a dict of the layers before
        the blocks and the blocks). A model overrides it to describe itself; tkeras runs neither mode,
        and the base model describes nothing (None), as in Keras."""
        del mode
        return None

    def export(self, filepath, format="onnx", **kwargs):
        """Write the model for serving (Keras 3 `Model.export`); tkeras writes ONNX (`tkeras.export`)."""
        from tkeras.export import export_model
        return export_model(self, filepath, format=format, **kwargs)


register_graph_maker(Model)  # K.function (backend, below models) runs its graph as a Model


def _revivable_as_functional(cls):
    """Keras 3's rule: a functional config rebuilds `cls` itself when its constructor is Model's, takes
    Functional's (inputs, outputs, name), or passes *args/**kwargs through."""
    if cls.__init__ is Model.__init__:
        return True
    spec = inspect.getfullargspec(cls.__init__)
    return spec.args[1:] == ["inputs", "outputs", "name"] or (spec.varargs is not None and spec.varkw is not None)


def _zeros_of_shapes(input_shape):
    """Zeros (batch 1) standing in for the inputs `input_shape` describes: one shape, a list of shapes,
    or a dict of them (a model whose `call` takes `inputs["features"]`, first called with a dict)."""
    from tkeras.backend import config
    if isinstance(input_shape, dict):
        return {key: _zeros_of_shapes(shape) for key, shape in input_shape.items()}
    if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(input_shape[0], (tuple, list, dict)):
        return [_zeros_of_shapes(shape) for shape in input_shape]
    return torch.zeros(tuple(1 if d is None else d for d in input_shape), device=config.device())


def _call_arguments_besides_inputs(cls):
    """The names of `cls.call`'s required parameters besides the inputs (training and mask aside)."""
    params = list(inspect.signature(cls.call).parameters.values())[2:]
    return [p.name for p in params
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in ("training", "mask")]
