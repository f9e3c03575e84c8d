"""'accuracy' compiled next to a custom loss function is chosen from the shapes, as tf-keras 2 and Keras 3
both do: integer labels one rank below the predictions mean sparse categorical accuracy. The wikidocs
NLP book's keras-crf models (12-6/12-7) compile `metrics='accuracy'` with no loss and feed integer tag
sequences; Keras' other readers pass their own masked loss functions. A tf-keras 2 train step that hands
`compiled_metrics` one prediction of a multi-output model (keras-crf's CRFModel) logs the metric under the
first output's name, `decode_sequence_accuracy`, which its ModelCheckpoint monitors.
References are NumPy argmax comparisons of the model's own predictions."""
import numpy as np

import tkeras as keras


def _sparse_loss(y_true, y_pred):
    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)


def _softmax_model(input_shape, classes=3, seed=0):
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Dense(classes, activation="softmax")])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def test_custom_loss_with_integer_labels_gets_sparse_accuracy():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 3, size=(16,))
    model = _softmax_model((4,))
    model.compile(optimizer="sgd", loss=_sparse_loss, metrics=["accuracy", "ce"])
    _, accuracy, crossentropy = model.evaluate(x, y, verbose=0)
    predicted = model.predict(x, verbose=0)
    assert np.isclose(accuracy, (predicted.argmax(-1) == y).mean())
    assert np.isclose(crossentropy, -np.log(predicted[np.arange(16), y]).mean(), rtol=1e-5)


def test_custom_loss_with_integer_tag_sequences_gets_sparse_accuracy():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(6, 5, 4)).astype("float32"), rng.integers(0, 3, size=(6, 5))
    model = _softmax_model((5, 4))
    model.compile(optimizer="sgd", loss=_sparse_loss, metrics=["acc"])
    _, accuracy = model.evaluate(x, y, verbose=0)
    assert np.isclose(accuracy, (model.predict(x, verbose=0).argmax(-1) == y).mean())


def test_custom_loss_with_one_hot_labels_keeps_categorical_accuracy():
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 3, size=(16,))
    model = _softmax_model((4,))
    model.compile(optimizer="sgd", loss=lambda t, p: keras.losses.categorical_crossentropy(t, p),
                  metrics=["accuracy"])
    _, accuracy = model.evaluate(x, np.eye(3, dtype="float32")[labels], verbose=0)
    assert np.isclose(accuracy, (model.predict(x, verbose=0).argmax(-1) == labels).mean())


class _ScoresAndTags(keras.Model):
    """The shape of keras-crf's CRFModel: outputs (decoded tags, scores); the step scores one of them."""

    def train_step(self, data):
        x, y = data
        _, scores = self(x, training=True)
        self.compiled_metrics.update_state(y, scores)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"loss": keras.ops.mean(scores)})
        return results


def test_step_scoring_one_output_of_several_names_the_metric_after_the_first():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(8, 5, 4)).astype("float32"), rng.integers(0, 3, size=(8, 5))
    inputs = keras.Input((5, 4))
    scores = keras.layers.Dense(3, name="scores")(inputs)
    tags = keras.layers.Lambda(lambda s: keras.ops.argmax(s, axis=-1), name="decode_sequence")(scores)
    model = _ScoresAndTags(inputs=inputs, outputs=[tags, scores])
    model.compile(optimizer=keras.optimizers.SGD(0.0), metrics="accuracy")
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    expected = (model.predict(x, verbose=0)[1].argmax(-1) == y).mean()
    assert "decode_sequence_accuracy" in history.history
    assert np.isclose(history.history["decode_sequence_accuracy"][0], expected)


def test_each_output_resolves_accuracy_from_its_own_targets():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4)).astype("float32")
    sparse_labels = rng.integers(0, 3, size=(8,))
    one_hot = np.eye(2, dtype="float32")[rng.integers(0, 2, size=(8,))]
    inputs = keras.Input((4,))
    first = keras.layers.Dense(3, activation="softmax", name="a")(inputs)
    second = keras.layers.Dense(2, activation="softmax", name="b")(inputs)
    model = keras.Model(inputs, [first, second])
    model.compile(optimizer="sgd", loss=[_sparse_loss, lambda t, p: keras.losses.categorical_crossentropy(t, p)],
                  metrics={"a": "accuracy", "b": "accuracy"})
    logs = model.evaluate(x, {"a": sparse_labels, "b": one_hot}, verbose=0, return_dict=True)
    predicted_a, predicted_b = model.predict(x, verbose=0)
    assert np.isclose(logs["a_accuracy"], (predicted_a.argmax(-1) == sparse_labels).mean())
    assert np.isclose(logs["b_accuracy"], (predicted_b.argmax(-1) == one_hot.argmax(-1)).mean())
