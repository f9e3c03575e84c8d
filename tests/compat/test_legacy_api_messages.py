"""An unsupported legacy API fails with one line: the API, the Keras/TensorFlow version it is from, and
the nearest replacement tkeras has (table: tkeras/compat/legacy_apis.py)."""
import importlib

import numpy as np
import pytest

from tests.compat.test_runner import run
from tkeras.compat.import_hook import install, uninstall


@pytest.fixture
def aliases():
    install()
    yield
    uninstall()


@pytest.mark.parametrize("reach, expected", [
    (lambda keras, tf: keras.layers.SReLU,
     "keras.layers.SReLU is not supported in tkeras (Keras 1 (moved to keras-contrib)): use keras.layers.PReLU"),
    (lambda keras, tf: tf.keras.layers.Recurrent,
     "tensorflow.keras.layers.Recurrent is not supported in tkeras (Keras 1/2 recurrent base class; removed in "
     "tf.keras 2 and Keras 3): use keras.layers.RNN(cell)"),
    (lambda keras, tf: keras.utils.multi_gpu_model,
     "keras.utils.multi_gpu_model is not supported in tkeras (Keras 2.0.9-2.3; removed in TensorFlow 2.4): "
     "run torchrun --nproc_per_node=N script.py"),
    (lambda keras, tf: tf.keras.estimator.model_to_estimator,
     "tensorflow.keras.estimator is not supported in tkeras (tf.keras 1.x/2.x Estimator API (model_to_estimator); "
     "removed in TensorFlow 2.16): train the Keras model itself with compile/fit"),
    (lambda keras, tf: tf.estimator.DNNClassifier,
     "tf.estimator is not supported in tkeras (TensorFlow 1.x-2.15 Estimator API; removed in TensorFlow 2.16): "
     "use a tf.keras model with compile/fit"),
    (lambda keras, tf: tf.contrib.layers,
     "tf.contrib is not supported in tkeras (TensorFlow 1; removed in TensorFlow 2.0): tf.contrib was removed"),
    (lambda keras, tf: tf.compat.v1.global_variables_initializer,
     "tf.global_variables_initializer is not supported in tkeras (TensorFlow 1; removed in TensorFlow 2.0, kept "
     "only in tf.compat.v1): TF1 graph mode"),
    (lambda keras, tf: keras.models.Graph,
     "keras.models.Graph is not supported in tkeras (Keras 0.x graph container; removed in Keras 1.0): use the "
     "functional API"),
    (lambda keras, tf: importlib.import_module("keras.legacy.interfaces"),
     "keras.legacy.interfaces is not supported in tkeras (Keras 2.0-2.2 compatibility module for Keras 1 code): "
     "use the Keras 2 names"),
])
def test_legacy_api_names_its_version_and_replacement(aliases, reach, expected):
    import keras
    import tensorflow as tf
    with pytest.raises((AttributeError, ImportError)) as error:
        reach(keras, tf)
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_names_without_a_known_origin_keep_the_suggestion(aliases):
    import keras
    with pytest.raises(AttributeError) as error:
        keras.layers.Denze
    assert str(error.value) == "keras.layers.Denze is not supported in tkeras (did you mean keras.layers.Dense?)"


def test_keras1_and_keras2_layers_that_compute_the_same_are_provided(aliases):
    import keras
    relu = keras.layers.ThresholdedReLU(theta=1.0)
    np.testing.assert_array_equal(relu(np.array([[0.5, 1.5, -2.0]], "float32")).numpy(), [[0.0, 1.5, 0.0]])
    model = keras.models.Sequential([keras.layers.TimeDistributedDense(3, input_dim=4, input_length=5)])
    assert model.output_shape == (None, 5, 3)


def test_runner_reports_the_one_line(tmp_path):
    result = run(tmp_path, """
        import tensorflow as tf
        estimator = tf.keras.estimator.model_to_estimator(keras_model=None)
    """)
    lines = result.stderr.rstrip().splitlines()
    assert result.returncode == 1 and "line 3" in lines[1]
    assert lines[-1].startswith("UnsupportedAPIError: tensorflow.keras.estimator is not supported in tkeras "
                                "(tf.keras 1.x/2.x Estimator API")


def test_keras2_hdf5matrix_is_importable_from_its_paths(aliases):
    import keras
    from tkeras.utils.hdf5_matrix import HDF5Matrix
    assert keras.utils.io_utils.HDF5Matrix is HDF5Matrix and keras.utils.HDF5Matrix is HDF5Matrix


def test_keras1_visualize_util_plot_draws_the_model(aliases, tmp_path):
    pytest.importorskip("matplotlib")
    from keras.utils.visualize_util import plot
    import keras
    model = keras.models.Sequential([keras.layers.Dense(2, input_dim=3)])
    try:
        plot(model, to_file=str(tmp_path / "model.dot"), show_shapes=True)
    except ImportError as error:  # plot_model's own message when graphviz/pydot are missing
        pytest.skip(str(error))
    assert "dense" in (tmp_path / "model.dot").read_text()


@pytest.mark.parametrize("path, origin, replacement", [
    ("layers.Recurrent", "Keras 1/2 recurrent base class", "keras.layers.RNN(cell)"),
    ("utils.multi_gpu_model", "Keras 2.0.9", "torchrun"),
])
def test_library_attribute_errors_name_the_api_and_its_nearest_replacement(path, origin, replacement):
    import tkeras
    owner, _, name = ("tkeras." + path).rpartition(".")
    module = tkeras
    for part in owner.split(".")[1:]:
        module = getattr(module, part)
    with pytest.raises(AttributeError) as info:
        getattr(module, name)
    message = str(info.value)
    assert message.startswith(f"module {owner!r} has no attribute {name!r}: keras.{path} is not supported")
    assert origin in message and replacement in message
    assert not hasattr(module, name)  # hasattr still works (an AttributeError)


def test_an_unknown_name_keeps_pythons_plain_message():
    import tkeras
    with pytest.raises(AttributeError, match=r"^module 'tkeras.layers' has no attribute 'NoSuchLayer'$"):
        tkeras.layers.NoSuchLayer
