"""For Keras/TensorFlow APIs tkeras does not provide: which version they belong to, and what to use.

The runner reports an unsupported API in one line; for the APIs old scripts commonly reach for, that
line also says which Keras/TensorFlow version the API is from and the nearest replacement tkeras has:

    keras.layers.SReLU is not supported in tkeras (Keras 1 (moved to keras-contrib)): use keras.layers.PReLU ...

Keras names are keyed by their path below the package (`layers.SReLU`), so `keras.`,
`tensorflow.keras.`, `tf_keras.` and `tensorflow.compat.v1.keras.` spellings all find them.
"""
from tkeras.compat.aliases import ROOTS

_KERAS_1 = "Keras 1; removed in Keras 2.0"
_TF1_GRAPH = "TensorFlow 1; removed in TensorFlow 2.0, kept only in tf.compat.v1"

# Path below the keras package -> (where it comes from, what to do instead: the nearest supported replacement).
KERAS = {
    "layers.SReLU": ("Keras 1 (moved to keras-contrib)", "use keras.layers.PReLU or LeakyReLU"),
    "utils.multi_gpu_model": ("Keras 2.0.9-2.3; removed in TensorFlow 2.4",
                              "run torchrun --nproc_per_node=N script.py (tkeras trains data-parallel unchanged)"),
    "models.Graph": ("Keras 0.x graph container; removed in Keras 1.0",
                     "use the functional API: keras.Model(inputs=[...], outputs=[...])"),
    "layers.containers": ("Keras 0.x; removed in Keras 1.0", "use keras.models.Sequential or the functional API"),
    "layers.Recurrent": ("Keras 1/2 recurrent base class; removed in tf.keras 2 and Keras 3",
                         "use keras.layers.RNN(cell) with a custom cell, or subclass LSTM/GRU/SimpleRNN"),
    "legacy.layers": ("Keras 2.0-2.2 compatibility module for Keras 1 code", "use the Keras 2 names (layers, models)"),
    "legacy.interfaces": ("Keras 2.0-2.2 compatibility module for Keras 1 code",
                          "use the Keras 2 names (layers, models)"),
    "estimator": ("tf.keras 1.x/2.x Estimator API (model_to_estimator); removed in TensorFlow 2.16",
                  "train the Keras model itself with compile/fit"),
    # Keras 3 / tf-keras 2 APIs tied to another engine, or not built yet.
    "dtensor": ("tf.keras 2 DTensor API", "use keras.distribution (DataParallel, ModelParallel on torch DTensor)"),
    "experimental.SequenceFeatures": ("tf.keras 2 feature columns; removed in Keras 3",
                                      "use preprocessing layers on each sequence column"),
    "experimental.SidecarEvaluator": ("tf.keras 2 (TensorFlow checkpoints)",
                                      "evaluate ModelCheckpoint's files with model.evaluate in another process"),
}

# TensorFlow 1 names of ops that TensorFlow 2 renamed -> the TensorFlow 2 name tkeras provides.
_TF1_RENAMED = {
    "tf.random_normal": "tf.random.normal", "tf.random_uniform": "tf.random.uniform",
    "tf.truncated_normal": "tf.random.truncated_normal", "tf.random_shuffle": "tf.random.shuffle",
}

# TensorFlow names (as `tf.X`) -> where they come from; the replacement is in tf_namespace/_unsupported.HINTS
# (or, for renamed ops, `tensorflow_replacement`).
TENSORFLOW = {
    **{old: "TensorFlow 1 name; removed in TensorFlow 2.0, kept in tf.compat.v1" for old in _TF1_RENAMED},
    "tf.placeholder": _TF1_GRAPH,
    "tf.placeholder_with_default": _TF1_GRAPH,
    "tf.global_variables_initializer": _TF1_GRAPH,
    "tf.local_variables_initializer": _TF1_GRAPH,
    "tf.initialize_all_variables": "TensorFlow 0.x/1.x graph mode; removed in TensorFlow 2.0",
    "tf.get_variable": _TF1_GRAPH,
    "tf.variable_scope": _TF1_GRAPH,
    "tf.get_default_graph": _TF1_GRAPH,
    "tf.Graph": "TensorFlow 1 graphs",
    "tf.Session.run": _TF1_GRAPH,
    "tf.layers": "TensorFlow 1; removed in TensorFlow 2.0",
    "tf.contrib": "TensorFlow 1; removed in TensorFlow 2.0",
    "tf.estimator": "TensorFlow 1.x-2.15 Estimator API; removed in TensorFlow 2.16",
    "tf.train.Saver": "TensorFlow 1 checkpoints; removed in TensorFlow 2.0",
    "tf.app": "TensorFlow 1; removed in TensorFlow 2.0",
    "tf.flags": "TensorFlow 1; removed in TensorFlow 2.0",
}


def keras_note(api):
    """(origin, replacement) for a Keras API path such as 'tensorflow.keras.layers.SReLU', or None."""
    for root in sorted(ROOTS, key=len, reverse=True):
        if api.startswith(root + "."):
            rest = api[len(root) + 1:]
            while rest:
                if rest in KERAS:
                    return KERAS[rest]
                rest = rest.rpartition(".")[0]  # keras.wrappers.scikit_learn -> wrappers
            return None
    return None


def tensorflow_origin(api):
    """Where a `tf.X` name comes from (TensorFlow 1 graph mode, ...), or None."""
    while api:
        if api in TENSORFLOW:
            return TENSORFLOW[api]
        api = api.rpartition(".")[0] if api.count(".") > 1 else ""
    return None


def tensorflow_replacement(api):
    """What to call instead of a renamed TensorFlow 1 op ('use tf.random.normal'), or None."""
    renamed = _TF1_RENAMED.get(api)
    return f"use {renamed} (or tf.compat.v1.{api[3:]})" if renamed else None


def unsupported_keras_message(api):
    """The one line for an unsupported Keras API with a known origin, or None."""
    note = keras_note(api)
    if note is None:
        return None
    origin, replacement = note
    return f"{api} is not supported in tkeras ({origin}): {replacement}"
