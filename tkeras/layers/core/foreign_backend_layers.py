"""JaxLayer, FlaxLayer and TFSMLayer: Keras 3 names whose layers run another engine's code.

Keras 3 exports them on every backend, and on its torch backend constructing one raises (JaxLayer and
FlaxLayer a ValueError, TFSMLayer a NotImplementedError), since a JAX function or a TensorFlow
SavedModel cannot run inside a torch computation. tkeras is that torch backend, so it does the same:
the names exist (imports, `isinstance` checks and `hasattr` probes in shared code keep working) and
building one fails at once, with what to use instead.
"""
from tkeras.layers.layer import Layer

_TORCH_REPLACEMENT = ("write the computation as a torch.nn.Module (or a keras.layers.Layer using "
                      "keras.ops) and wrap it in keras.layers.TorchModuleWrapper")


class JaxLayer(Layer):
    """Keras 3's wrapper of a JAX `call_fn(params, state, rng, inputs, training)`; JAX/TensorFlow only."""

    _engine = "JAX functions"

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        raise ValueError(f"{type(self).__name__} needs Keras on the JAX or TensorFlow backend to run "
                         f"{self._engine}; tkeras is Keras on the torch backend (keras.backend.backend() "
                         f"== 'torch'). Instead, {_TORCH_REPLACEMENT}.")


class FlaxLayer(JaxLayer):
    """Keras 3's wrapper of a Flax `nn.Module`; JAX/TensorFlow only."""

    _engine = "Flax modules"

    def __init__(self, module, method=None, variables=None, **kwargs):
        super().__init__(call_fn=None)


class TFSMLayer(Layer):
    """Keras 3's inference layer over a TensorFlow SavedModel; TensorFlow backend only."""

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None, trainable=True,
                 name=None, dtype=None):
        raise NotImplementedError(
            f"TFSMLayer({filepath!r}) loads a TensorFlow SavedModel, which only Keras on the TensorFlow "
            f"backend can run; tkeras is Keras on the torch backend. Save the model from its own Keras as "
            f".keras or .h5 (model.save('model.keras')) and load that with keras.models.load_model.")
