"""tf-keras 2's endpoint-layer pattern (keras-io `endpoint_layer_pattern`): a layer calls a metric object
in `call` and hands its result to `self.add_metric(...)` without a name. tf-keras logs it under the
metric's own name with the metric's running result over the epoch (the metric already counted the batch),
not a mean of per-batch results. Expected numbers are worked out with NumPy."""
import numpy as np

import tkeras


class _LogisticEndpoint(tkeras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = tkeras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = tkeras.metrics.BinaryAccuracy(name="accuracy")

    def call(self, logits, targets=None, sample_weight=None):
        if targets is not None:
            self.add_loss(self.loss_fn(targets, logits, sample_weight))
            self.add_metric(self.accuracy_fn(targets, logits, sample_weight))
        return tkeras.ops.sigmoid(logits)


def _data():
    rng = np.random.default_rng(0)
    return {"inputs": rng.normal(size=(10, 3)).astype("float32"),
            "targets": rng.integers(0, 2, size=(10, 1)).astype("float32"),
            "sample_weight": rng.uniform(0.1, 2.0, size=(10, 1)).astype("float32")}


def _expected_accuracy(data, kernel):
    logits = data["inputs"] @ kernel
    hits = ((logits > 0.5).astype("float32") == data["targets"]).astype("float32")
    return float((hits * data["sample_weight"]).sum() / data["sample_weight"].sum())


def test_functional_endpoint_logs_the_metrics_running_result():
    inputs = tkeras.Input((3,), name="inputs")
    targets = tkeras.Input((1,), name="targets")
    weights = tkeras.Input((1,), name="sample_weight")
    logits = tkeras.layers.Dense(1, use_bias=False, name="logits")(inputs)
    model = tkeras.Model([inputs, targets, weights], _LogisticEndpoint()(logits, targets, weights))
    model.compile(tkeras.optimizers.SGD(0.0))  # weights stay put, so the epoch's accuracy is known
    data = _data()
    history = model.fit(data, batch_size=4, epochs=2, verbose=0)
    expected = _expected_accuracy(data, model.get_layer("logits").get_weights()[0])
    # Batches of 4, 4 and 2 with unequal weights: the mean of per-batch results would differ.
    np.testing.assert_allclose(history.history["accuracy"], [expected, expected], rtol=1e-6)
    assert "accuracy" in [m.name for m in model.metrics]


def test_subclassed_endpoint_first_called_with_a_dict():
    class LogReg(tkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tkeras.layers.Dense(1, use_bias=False)
            self.endpoint = _LogisticEndpoint()

        def call(self, inputs):
            logits = self.dense(inputs["inputs"])
            return self.endpoint(logits, targets=inputs["targets"], sample_weight=inputs["sample_weight"])

    model = LogReg()
    model.compile(tkeras.optimizers.SGD(0.0))
    data = _data()
    history = model.fit(data, batch_size=4, epochs=1, verbose=0)
    expected = _expected_accuracy(data, model.dense.get_weights()[0])
    np.testing.assert_allclose(history.history["accuracy"], [expected], rtol=1e-6)
