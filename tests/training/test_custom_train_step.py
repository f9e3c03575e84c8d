"""Keras 3's "customizing what happens in fit" on the torch backend, the GAN/VAE pattern, Keras 2 steps,
GradientTape steps, add_loss, and functional models trained with per-output losses."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers
from tkeras.backend.gradient_tape import GradientTape


class PlainSGD:
    """A test-local optimizer (the real ones are tested with tkeras.optimizers): p -= lr * grad."""

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate
        self.iterations = 0

    def step_from_grads(self, params):
        self.apply([p.grad for p in params], params)

    def apply(self, grads, trainable_variables):
        with torch.no_grad():
            for grad, variable in zip(grads, trainable_variables):
                if grad is not None:
                    variable.sub_(self.learning_rate * grad)
        self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        grads, variables = zip(*list(grads_and_vars))
        self.apply(grads, variables)


@pytest.fixture(autouse=True)
def optimizer_lookup(monkeypatch):
    """compile(optimizer=PlainSGD()) must hand the object through, whether or not tkeras.optimizers exists."""
    import tkeras.optimizers as optimizers
    original = getattr(optimizers, "get", None)
    monkeypatch.setattr(optimizers, "get", lambda o: o if isinstance(o, PlainSGD) else original(o), raising=False)


def _regression_data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    return x, y


class TorchStyleModel(keras.Model):
    """The Keras 3 guide's torch-backend train_step, verbatim in spirit."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_torch_style_train_step_learns_and_reports_its_metrics():
    x, y = _regression_data()
    model = TorchStyleModel()
    model.compile(optimizer=PlainSGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=4, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    losses = history.history["loss"]
    assert losses[-1] < losses[0] / 10
    assert model.optimizer.iterations == 4 * 8
    kernel, bias = model.dense.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [1.0, -2.0, 0.5], atol=0.1)


class TapeStyleModel(TorchStyleModel):
    """The TensorFlow-backend version of the same step (GradientTape + apply_gradients)."""

    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.metrics[0].update_state(loss)
        return {"loss": self.metrics[0].result()}


def test_gradient_tape_train_step():
    x, y = _regression_data()
    model = TapeStyleModel()
    model.compile(optimizer=PlainSGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 5


class TrackerModel(keras.Model):
    """The GAN/VAE pattern: compile(optimizer) only, own loss, own trackers held as attributes."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.total_tracker = keras.metrics.Mean(name="total")
        self.batches_seen = []

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        assert isinstance(data, torch.Tensor)  # fit(x) alone: the step gets x itself, as in Keras
        self.zero_grad()
        loss = torch.mean(torch.square(self(data, training=True) - 1.0))
        loss.backward()
        self.optimizer.apply([v.grad for v in self.trainable_weights], self.trainable_weights)
        self.total_tracker.update_state(loss.detach())
        self.batches_seen.append(float(loss.detach()))
        return {"total": self.total_tracker.result()}

    def test_step(self, data):
        loss = torch.mean(torch.square(self(data, training=False) - 1.0))
        self.total_tracker.update_state(loss)
        return {"total": self.total_tracker.result()}


def test_tracked_metrics_without_a_compiled_loss_reset_each_epoch():
    x, _ = _regression_data(64)
    model = TrackerModel()
    model.compile(optimizer=PlainSGD(0.05))
    assert model.total_tracker in model.metrics
    history = model.fit(x, epochs=2, batch_size=16, verbose=0)
    per_epoch = np.array(model.batches_seen).reshape(2, 4).mean(axis=1)
    np.testing.assert_allclose(history.history["total"], per_epoch, rtol=1e-5)
    result = model.evaluate(x, batch_size=16, verbose=0, return_dict=True)
    assert set(result) == {"total"} and result["total"] < per_epoch[0]


class Keras2StyleModel(TorchStyleModel):
    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables), self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_keras_2_compiled_loss_and_metrics_in_a_custom_step():
    x, y = _regression_data()
    model = Keras2StyleModel()
    model.compile(optimizer=PlainSGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 5
    assert history.history["mae"][-1] < history.history["mae"][0]


def test_predict_step_override_and_packed_data():
    class Doubler(TorchStyleModel):
        def predict_step(self, data):
            return self(data, training=False) * 2

    x, y = _regression_data(10)
    model = Doubler()
    model.compile(optimizer=PlainSGD(), loss="mse")
    plain = model(x).numpy()
    np.testing.assert_allclose(model.predict(x, batch_size=4, verbose=0), plain * 2, rtol=1e-6)


def test_add_loss_from_activity_regularization_is_part_of_compute_loss():
    inp = keras.Input(shape=(3,))
    out = layers.Dense(2, activity_regularizer=keras.regularizers.L2(0.5), name="reg")(inp)
    model = keras.Model(inp, out)
    model.compile(optimizer=PlainSGD(), loss="mse")
    x = np.ones((4, 3), "float32")
    y = np.zeros((4, 2), "float32")
    y_pred = model(x, training=True)
    loss = model.compute_loss(x=x, y=torch.as_tensor(y), y_pred=y_pred)
    out_np = y_pred.numpy()
    expected = np.mean(out_np ** 2) + 0.5 * np.sum(out_np ** 2) / 4
    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_functional_model_with_per_output_losses_and_weights():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(128, 4)).astype("float32")
    y_reg = x.sum(1, keepdims=True).astype("float32")
    y_cls = (x[:, 0] > 0).astype("float32")[:, None]
    inp = keras.Input(shape=(4,), name="features")
    hidden = layers.Dense(8, activation="relu", name="hidden")(inp)
    model = keras.Model(inp, [layers.Dense(1, name="amount")(hidden),
                              layers.Dense(1, activation="sigmoid", name="flag")(hidden)])
    model.compile(optimizer=PlainSGD(0.05), loss={"amount": "mse", "flag": "binary_crossentropy"},
                  loss_weights={"amount": 0.5, "flag": 2.0}, metrics={"flag": ["accuracy"]})
    history = model.fit(x, {"amount": y_reg, "flag": y_cls}, epochs=3, batch_size=32, verbose=0)
    assert {"loss", "amount_loss", "flag_loss", "flag_accuracy"} <= set(history.history)
    assert history.history["loss"][-1] < history.history["loss"][0]
    logs = model.evaluate(x, [y_reg, y_cls], batch_size=128, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.5 * logs["amount_loss"] + 2.0 * logs["flag_loss"], rel=1e-5)
    amount, flag = model.predict(x, verbose=0)
    assert logs["amount_loss"] == pytest.approx(float(np.mean((amount - y_reg) ** 2)), rel=1e-4)
    p = np.clip(flag, 1e-7, 1 - 1e-7)
    bce = -np.mean(y_cls * np.log(p) + (1 - y_cls) * np.log(1 - p))
    assert logs["flag_loss"] == pytest.approx(bce, rel=1e-4)
    model.compile(optimizer=PlainSGD(0.05), loss=["mse", "binary_crossentropy"], loss_weights=[1.0, 0.0])
    logs = model.evaluate(x, [y_reg, y_cls], batch_size=128, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["amount_loss"], rel=1e-5)


class GuideModel(keras.Model):
    """Keras 3's guide, "Supporting sample_weight" and "Providing your own evaluation step", on a
    functional model: CustomModel(inputs, outputs), a real optimizer from compile."""

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_guide_functional_custom_model_with_sample_weight_and_test_step(optimizer_lookup):
    x, y = _regression_data(512)
    inputs = keras.Input(shape=(3,))
    model = GuideModel(inputs, layers.Dense(1)(inputs))
    assert isinstance(model, GuideModel) and [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense"]
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    weights = np.random.default_rng(2).random((512, 1)).astype("float32")
    history = model.fit(x, y, sample_weight=weights, epochs=5, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "mae"} and history.history["loss"][-1] < history.history["loss"][0]
    logs = model.evaluate(x, y, batch_size=512, verbose=0, return_dict=True)
    pred = model.predict(x, verbose=0)
    assert logs["loss"] == pytest.approx(float(np.mean((pred - y) ** 2)), rel=1e-4)
    assert logs["mae"] == pytest.approx(float(np.mean(np.abs(pred - y))), rel=1e-4)
    # the weighted loss of one batch is Keras' weighted mean over samples
    y_pred = model(x[:8])
    weighted = model.compute_loss(y=torch.as_tensor(y[:8]), y_pred=y_pred, sample_weight=torch.as_tensor(weights[:8]))
    expected = np.sum(weights[:8, 0] * (pred[:8, 0] - y[:8, 0]) ** 2) / 8
    assert float(weighted) == pytest.approx(expected, rel=1e-4)


class GuideTrackers(keras.Model):
    """The guide's "Going lower-level": own trackers listed by an overridden `metrics` property."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.loss_fn(y, y_pred)
        loss.backward()
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_guide_own_trackers_reset_every_epoch():
    x, y = _regression_data(256)
    inputs = keras.Input(shape=(3,))
    model = GuideTrackers(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer=PlainSGD(0.05))
    history = model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    assert float(model.loss_tracker.count) == 4  # reset at the start of each epoch: 4 batches, not 12


class Penalty(layers.Layer):
    """A layer adding its own loss term (activity regularization written by hand)."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * torch.mean(torch.square(inputs - 1.0)))
        return inputs


def test_add_loss_alone_trains_a_model_compiled_without_a_loss():
    x, _ = _regression_data(128)
    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, Penalty(2.0, name="penalty")(layers.Dense(2, name="d")(inp)))
    out = model(x)
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(2.0 * np.mean((out.numpy() - 1.0) ** 2), rel=1e-5)
    model.compile(optimizer=PlainSGD(0.05))
    history = model.fit(x, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    final = model.evaluate(x, batch_size=128, verbose=0)
    assert final == pytest.approx(2.0 * np.mean((model.predict(x, verbose=0) - 1.0) ** 2), rel=1e-4)


class LogsMean(layers.Layer):
    def call(self, inputs):
        self.add_metric(torch.mean(inputs), name="mean_activation")
        return inputs


def test_add_metric_is_logged_as_its_mean_and_validated():
    x, y = _regression_data(64)
    inp = keras.Input(shape=(3,))
    hidden = layers.Dense(4, name="hidden")(inp)
    model = keras.Model(inp, layers.Dense(1)(LogsMean()(hidden)))
    model.compile(optimizer=PlainSGD(0.0), loss="mse")  # lr 0: the weights stay, the metric is exact
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_data=(x[:32], y[:32]))
    assert "mean_activation" in [m.name for m in model.metrics]
    hidden_out = keras.Model(inp, hidden)(x).numpy()
    per_batch = hidden_out.reshape(4, 16, 4).mean(axis=(1, 2))  # fit shuffles, but lr 0: order-free mean
    assert history.history["mean_activation"][-1] == pytest.approx(per_batch.mean(), rel=1e-4, abs=1e-6)
    val = hidden_out[:32].mean()
    assert history.history["val_mean_activation"][-1] == pytest.approx(val, rel=1e-4, abs=1e-6)
    with pytest.raises(ValueError, match="add_metric needs name="):
        LogsMean().add_metric(1.0)
