"""One clear error for TensorFlow APIs tkeras does not provide, raised from a module `__getattr__`."""

# TensorFlow 1 graph-mode names tutorials still carry: the one line says why there is no stand-in.
_GRAPH_MODE = "TF1 graph mode; tkeras runs eagerly: pass arrays to the model or the tf.* functions directly"
HINTS = {
    "tf.placeholder": _GRAPH_MODE,
    "tf.placeholder_with_default": _GRAPH_MODE,
    "tf.global_variables_initializer": _GRAPH_MODE,
    "tf.local_variables_initializer": _GRAPH_MODE,
    "tf.initialize_all_variables": _GRAPH_MODE,
    "tf.get_variable": "use tf.Variable(initial_value)",
    "tf.variable_scope": _GRAPH_MODE,
    "tf.get_default_graph": _GRAPH_MODE,
    "tf.Graph": _GRAPH_MODE,
    "tf.Session.run": _GRAPH_MODE,
    "tf.layers": "use tf.keras.layers (tf.layers.dense -> tf.keras.layers.Dense)",
    "tf.contrib": "tf.contrib was removed in TensorFlow 2; use the tf.keras equivalent",
    "tf.estimator": "use a tf.keras model with compile/fit",
    "tf.lite": "export to ONNX with model.export(path, format='onnx') and run it with an ONNX runtime",
    "tf.train.Saver": "save with model.save('model.keras') or model.save_weights(...)",
    "tf.saved_model": "save with model.save('m.keras') or export with model.export(path, format='onnx')",
}


class UnsupportedTensorFlowAPI(AttributeError):
    """`tf.X` that tkeras does not implement; an AttributeError so `hasattr(tf, 'X')` stays False."""


def _family_hint(api):
    for family in ("tf.saved_model", "tf.lite"):
        if api.startswith(family + "."):
            return HINTS[family]
    return None


def unsupported(api):
    from tkeras.compat.legacy_apis import tensorflow_origin, tensorflow_replacement  # version, renamed ops
    hint, origin = HINTS.get(api) or _family_hint(api) or tensorflow_replacement(api), tensorflow_origin(api)
    return UnsupportedTensorFlowAPI(f"{api} is not supported in tkeras" + (f" ({origin})" if origin else "")
                                    + (f": {hint}" if hint else ""))


def module_getattr(prefix):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise unsupported(f"{prefix}.{name}")
    return __getattr__


class Namespace:
    """A small TensorFlow namespace (`tf.autograph`, `tf.config.experimental`) held in one object.

    Missing names fail with the same one line as the modules do.
    """

    def __init__(self, prefix, **names):
        object.__setattr__(self, "_prefix", prefix)
        for key, value in names.items():
            object.__setattr__(self, key, value)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise unsupported(f"{object.__getattribute__(self, '_prefix')}.{name}")

    def __repr__(self):
        return f"<tkeras stand-in for {object.__getattribute__(self, '_prefix')}>"
