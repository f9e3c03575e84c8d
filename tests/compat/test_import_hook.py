"""The keras/tensorflow aliases: every old module path resolves to tkeras' object; misses are one clear line."""
import importlib
import subprocess
import sys

import numpy as np
import pytest

import tkeras


@pytest.fixture
def aliases():
    """`import keras` / `import tensorflow` resolve to tkeras inside the test (as under `tkeras run`)."""
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def _from(module, name):
    return getattr(importlib.import_module(module), name)


# (old module path, name, the tkeras object it must be)
LEGACY_PATHS = [
    ("keras.layers.core", "Dense", lambda: tkeras.layers.Dense),
    ("keras.layers.core", "Dropout", lambda: tkeras.layers.Dropout),
    ("keras.layers.core", "Activation", lambda: tkeras.layers.Activation),
    ("keras.layers.recurrent", "LSTM", lambda: tkeras.layers.LSTM),
    ("keras.layers.recurrent", "SimpleRNN", lambda: tkeras.layers.SimpleRNN),
    ("keras.layers.embeddings", "Embedding", lambda: tkeras.layers.Embedding),
    ("keras.layers.convolutional", "Convolution1D", lambda: tkeras.layers.Convolution1D),
    ("keras.layers.convolutional", "Conv2D", lambda: tkeras.layers.Conv2D),
    ("keras.layers.pooling", "MaxPooling1D", lambda: tkeras.layers.MaxPooling1D),
    ("keras.layers.normalization", "BatchNormalization", lambda: tkeras.layers.BatchNormalization),
    ("keras.layers.wrappers", "Bidirectional", lambda: tkeras.layers.Bidirectional),
    ("keras.layers.advanced_activations", "LeakyReLU", lambda: tkeras.layers.LeakyReLU),
    ("keras.engine.topology", "Layer", lambda: tkeras.layers.Layer),
    ("keras.engine", "Layer", lambda: tkeras.layers.Layer),  # Keras 2 custom layers: from keras.engine import ...
    ("keras.engine", "InputSpec", lambda: tkeras.layers.InputSpec),
    ("keras.models", "Sequential", lambda: tkeras.Sequential),
    ("keras.preprocessing.text", "Tokenizer", lambda: _from("tkeras.preprocessing.text", "Tokenizer")),
    ("keras.preprocessing.sequence", "pad_sequences", lambda: _from("tkeras.preprocessing.sequence", "pad_sequences")),
    ("keras.preprocessing.image", "ImageDataGenerator",
     lambda: _from("tkeras.preprocessing.image", "ImageDataGenerator")),
    ("keras.initializations", "normal", lambda: _from("tkeras.compat.legacy.initializations", "normal")),
    ("keras.utils.data_utils", "get_file", lambda: tkeras.utils.get_file),
    ("keras.utils.vis_utils", "plot_model", lambda: tkeras.utils.plot_model),
    ("keras.optimizers", "RMSprop", lambda: tkeras.optimizers.RMSprop),
    ("tensorflow.keras.utils", "to_categorical", lambda: tkeras.utils.to_categorical),
    ("tensorflow.keras.layers", "LSTM", lambda: tkeras.layers.LSTM),
    ("tensorflow.keras.preprocessing.text", "Tokenizer", lambda: _from("tkeras.preprocessing.text", "Tokenizer")),
    ("tensorflow.python.keras.layers", "Dense", lambda: tkeras.layers.Dense),
    ("tf_keras.layers", "GRU", lambda: tkeras.layers.GRU),
    ("tensorflow.keras.mixed_precision", "Policy", lambda: _from("tkeras.mixed_precision", "Policy")),
    ("tensorflow.keras.utils", "load_img", lambda: _from("tkeras.preprocessing.image", "load_img")),
]


@pytest.mark.parametrize("module, name, expected", LEGACY_PATHS, ids=[f"{m}.{n}" for m, n, _ in LEGACY_PATHS])
def test_legacy_module_paths_resolve_to_tkeras(aliases, module, name, expected):
    namespace = {}
    exec(f"from {module} import {name}", namespace)
    assert namespace[name] is expected()


def test_modules_reached_as_attributes_are_aliases_too(aliases):
    import keras
    import tensorflow as tf
    assert keras.layers.Dense is tkeras.layers.Dense
    assert keras.preprocessing.image.ImageDataGenerator.__name__ == "ImageDataGenerator"
    assert tf.keras.optimizers.legacy.Adam is tkeras.optimizers.Adam  # Keras 2.11's optimizers.legacy
    assert tf.keras.layers.Dense is tkeras.layers.Dense
    assert type(keras.layers).__name__ == "AliasModule"


def test_keras_backend_functions(aliases):
    from keras import backend as K
    assert K.image_dim_ordering() == "tf" and K.image_data_format() == "channels_last"
    assert K.epsilon() == pytest.approx(1e-7)
    assert K.backend() == "torch" and K.floatx() == "float32"
    assert float(K.eval(K.mean(K.constant([[1.0, 2.0], [3.0, 6.0]])))) == 3.0
    np.testing.assert_allclose(K.eval(K.sum(K.square(K.constant([1.0, 2.0])), axis=0)), 5.0)
    np.testing.assert_allclose(K.eval(K.clip(K.constant([-1.0, 0.5, 2.0]), 0, 1)), [0.0, 0.5, 1.0])
    tkeras.layers.Dense(1)
    K.clear_session()
    assert tkeras.layers.Dense(1).name == "dense"  # names start over, as after Keras' clear_session
    import keras.backend.tensorflow_backend as tfb  # Keras 2 multi-GPU scripts asked it for GPUs
    assert isinstance(tfb._get_available_gpus(), list)
    K.set_session(object())  # TF1 GPU-memory snippet: accepted (no sessions in tkeras)


def test_keras1_helpers_keep_their_old_arguments(aliases):
    from keras.utils import np_utils
    np.testing.assert_array_equal(np_utils.to_categorical([0, 2], nb_classes=4), [[1, 0, 0, 0], [0, 0, 1, 0]])
    np.testing.assert_array_equal(np_utils.to_categorical([1], 3), [[0, 1, 0]])
    from keras.constraints import maxnorm
    assert maxnorm(3).max_value == 3 and maxnorm(m=4).max_value == 4


def test_unsupported_names_fail_in_one_line(aliases):
    import keras
    with pytest.raises(AttributeError) as info:
        keras.layers.Dence
    assert str(info.value) == "keras.layers.Dence is not supported in tkeras (did you mean keras.layers.Dense?)"
    with pytest.raises(AttributeError, match=r"^keras\.layers\.NoSuchThing is not supported in tkeras$"):
        keras.layers.NoSuchThing
    assert not hasattr(keras.layers, "NoSuchThing")
    with pytest.raises(ImportError, match="not supported in tkeras"):
        exec("from keras.layers import NoSuchLayer", {})
    with pytest.raises(ModuleNotFoundError, match=r"^keras\.legacy\.layers is not supported in tkeras \(Keras 2\.0-2\.2 "):
        importlib.import_module("keras.legacy.layers")
    with pytest.raises(ModuleNotFoundError, match=r"^keras\.no_such_module is not supported in tkeras$"):
        importlib.import_module("keras.no_such_module")
    import tensorflow as tf
    with pytest.raises(AttributeError, match=r"^tf\.placeholder is not supported in tkeras \(TensorFlow 1; .*\): TF1 graph mode"):
        tf.placeholder


def test_uninstall_restores_the_import_system():
    from tkeras import compat
    compat.install()
    import keras
    assert keras.layers.Dense is tkeras.layers.Dense
    compat.uninstall()
    assert "keras" not in sys.modules or type(sys.modules["keras"]).__name__ != "AliasModule"


def test_aliases_exist_only_where_installed():
    """Importing tkeras alone (no runner, no install()) leaves `keras`/`tensorflow` to whatever is installed."""
    code = ("import tkeras, tkeras.compat, importlib.util\n"
            "for name in ('keras', 'tensorflow', 'tf_keras'):\n"
            "    spec = importlib.util.find_spec(name)\n"
            "    print(name, spec is None or 'tkeras' not in str(spec.loader))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["keras", "True", "tensorflow", "True", "tf_keras", "True"]


def test_keras1_regularizers_and_functional_model_spellings(aliases):
    from keras.layers import Dense, Input
    from keras.models import Model
    from keras.regularizers import activity_l2, l1l2, l2
    assert l2(l=0.3).l2 == pytest.approx(0.3) and l2(0.2).l2 == pytest.approx(0.2)
    assert activity_l2(0.1).l2 == pytest.approx(0.1) and (l1l2(0.1, 0.2).l1, l1l2(0.1, 0.2).l2) == pytest.approx(
        (0.1, 0.2))
    a = Input(shape=(3,))
    model = Model(input=a, output=Dense(2, W_regularizer=l2(0.01))(a))  # Keras 1 functional constructor
    assert model.output_shape == (None, 2) and len(model.losses) == 1
    from keras.applications.vgg16 import VGG16, preprocess_input
    assert VGG16 is tkeras.applications.VGG16 and preprocess_input is tkeras.applications.vgg16.preprocess_input


def test_star_imports_bind_the_public_names(aliases):
    # `from keras.layers import *` starts many Keras 1/2 examples and Kaggle kernels.
    namespace = {}
    exec("from keras.layers import *\nfrom keras.models import *\nfrom tensorflow.keras.callbacks import *", namespace)
    assert namespace["Dense"] is tkeras.layers.Dense and namespace["Convolution2D"] is tkeras.layers.Convolution2D
    assert namespace["Sequential"] is tkeras.Sequential and namespace["EarlyStopping"] is tkeras.callbacks.EarlyStopping
    assert namespace["Merge"].__module__ == "tkeras.compat.legacy.layers"  # the legacy companion's own names
    assert "merge_layer" not in namespace and "torch" not in namespace  # not the helpers the modules import
