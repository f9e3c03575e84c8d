"""FeatureSpace over columns whose names contain dots ("emp.var.rate", "cons.price.idx" in keras-io's
bank-marketing example): torch refuses dots in submodule names, Keras takes any feature name."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf
from tkeras.utils import FeatureSpace


def test_dotted_feature_names_adapt_and_encode():
    rate = np.array([-1.8, 1.1, 1.4, 1.1], dtype="float32")
    kind = np.array(["a", "b", "a", "a"])
    space = FeatureSpace(features={"emp.var.rate": FeatureSpace.float_normalized(),
                                   "job.kind": FeatureSpace.string_categorical(num_oov_indices=0)},
                         output_mode="dict")
    data = tf.data.Dataset.from_tensor_slices({"emp.var.rate": rate, "job.kind": kind}).batch(2)
    space.adapt(data)
    out = space({"emp.var.rate": rate, "job.kind": kind})
    expected = (rate - rate.mean()) / rate.std()
    np.testing.assert_allclose(np.asarray(out["emp.var.rate"]).ravel(), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(np.asarray(out["job.kind"]), [[1, 0], [0, 1], [1, 0], [1, 0]])
    assert sorted(space.get_inputs()) == ["emp.var.rate", "job.kind"]
    assert isinstance(space.preprocessors["emp.var.rate"], keras.layers.Layer)
