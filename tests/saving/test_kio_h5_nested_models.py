"""`.h5` files of models holding other models, as tkeras writes them, read by real tf-keras 2.21 and Keras
3.15.1 (recorded once by tests/fixtures/make_kio_h5_nested_models_reference.py, with the nodes tkeras wrote
then). tf-keras 2 counts a nested model's construction as its node 0 and Keras 3 does not: tkeras writes
Keras 2's node spelling with tf-keras 2's numbering, plus a copy of a nested model's single call where
Keras 3 looks for it, so both read the file; a nested model called twice is spelled for tf-keras 2 only."""
import json

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures import make_kio_h5_nested_models_reference as reference

RECORD = json.load(open(reference.RECORD))
KERAS3_CANNOT = {"shared_inner"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nested_h5")
    models = {}
    for name in reference.CASES:
        model = reference.build(keras, name)
        model.save(str(folder / f"{name}.h5"))
        models[name] = (model, str(folder / f"{name}.h5"))
    return models


@pytest.mark.parametrize("name", reference.CASES)
def test_tkeras_writes_the_nodes_the_real_readers_were_given(written, name):
    assert reference.written_nodes(written[name][1]) == RECORD["tkeras_writes_nodes"][name]


@pytest.mark.parametrize("name", reference.CASES)
def test_real_readers_compute_what_tkeras_computes(written, name):
    model, path = written[name]
    want = np.asarray(model(reference.inputs()))
    tf_keras = RECORD["tf_keras"]["reads"][name]
    assert tf_keras["loaded"], tf_keras
    np.testing.assert_allclose(tf_keras["prediction"], want, atol=1e-5)
    keras3 = RECORD["keras3"]["reads"][name]
    assert keras3["loaded"] == (name not in KERAS3_CANNOT)
    if keras3["loaded"]:
        np.testing.assert_allclose(keras3["prediction"], want, atol=1e-5)
    again = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(np.asarray(again(reference.inputs())), want, atol=1e-6)


def test_a_nested_model_called_once_is_numbered_for_tf_keras2_with_a_copy_for_keras3():
    nodes = RECORD["tkeras_writes_nodes"]["inner_functional"]
    assert nodes["inner_functional/inner"] == [[["x", 0, 0, {}]], [["x", 0, 0, {}]]]
    assert nodes["inner_functional/o"] == [[["inner", 1, 0, {}]]]
    assert RECORD["tkeras_writes_nodes"]["inner_is_output"]["inner_is_output:output_layers"] == ["inner", 1, 0]
    shared = RECORD["tkeras_writes_nodes"]["shared_inner"]
    assert shared["shared_inner/inner"] == [[["x", 0, 0, {}]], [["inner", 1, 0, {}]]]
    assert shared["shared_inner/o"] == [[["inner", 2, 0, {}]]]
