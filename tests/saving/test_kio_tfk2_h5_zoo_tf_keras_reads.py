"""tf-keras 2.21 reads back every file of the tf-keras 2 zoo after tkeras loaded and re-saved it, and
resumes training where tf-keras itself did from the original (recorded once by
tests/fixtures/check_tfk2_h5_zoo_in_tf_keras.py, with the optimizer names and nodes of the files it read;
tkeras must still write those)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures import check_tfk2_h5_zoo_in_tf_keras as check
from tests.fixtures import make_tfk2_h5_zoo as zoo

READS = json.load(open(check.READS_RECORD))["reads"]
META = json.loads(str(np.load(zoo.RECORD)["meta"]))


@pytest.mark.parametrize("name", zoo.CASES)
def test_tf_keras2_read_tkeras_resave_as_its_own_file(name):
    read = READS[name]
    assert read["loaded"], read.get("error")
    assert read["max_prediction_diff"] < 1e-6
    if name in zoo.COMPILED_CASES:
        assert read["iterations"] == zoo.TRAIN_STEPS
        np.testing.assert_allclose(read["next_losses"], META[name]["next_losses"], rtol=1e-6)


@pytest.mark.parametrize("name", zoo.CASES)
def test_tkeras_still_writes_what_tf_keras2_read(name, tmp_path):
    custom = {"ScaledDense": zoo.custom_layer_class(keras)} if name == "custom_layer" else None
    model = keras.models.load_model(os.path.join(zoo.ZOO_DIR, f"{name}.h5"), custom_objects=custom)
    path = str(tmp_path / f"{name}.h5")
    model.save(path)
    assert check.written_layout(path) == READS[name]["written"]
