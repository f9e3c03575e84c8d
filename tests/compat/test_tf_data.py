"""`tf.data.Dataset` pipelines: TensorFlow's semantics element by element, and feeding fit/evaluate/predict."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf

Dataset = tf.data.Dataset


def rows(dataset):
    return [tuple(np.asarray(part).tolist() for part in e) if isinstance(e, tuple) else np.asarray(e).tolist()
            for e in dataset.as_numpy_iterator()]


def test_from_tensor_slices_slices_the_first_axis_of_every_component():
    x = np.arange(12, dtype="float64").reshape(6, 2)
    y = np.arange(6)
    ds = Dataset.from_tensor_slices((x, y))
    first = next(iter(ds))
    assert isinstance(first, tuple) and isinstance(first[0], tf.Tensor)
    assert first[0].dtype == tf.float64 and first[1].dtype == tf.int64  # NumPy dtypes kept, as in TF
    assert rows(ds)[2] == ([4.0, 5.0], 2) and len(ds) == 6
    assert Dataset.from_tensor_slices([1.0, 2.0]).__iter__().__next__().dtype == tf.float32  # Python floats
    as_dict = next(iter(Dataset.from_tensor_slices({"a": x, "b": y})))
    assert sorted(as_dict) == ["a", "b"] and as_dict["b"].numpy() == 0
    with pytest.raises(ValueError, match="same first dimension"):
        Dataset.from_tensor_slices((x, np.arange(5)))


def test_batch_repeat_take_skip_and_cardinality():
    ds = Dataset.from_tensor_slices(np.arange(10))
    assert [b.tolist() for b in ds.batch(4).as_numpy_iterator()] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [b.tolist() for b in ds.batch(4, drop_remainder=True).as_numpy_iterator()] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(ds.batch(4)) == 3 and len(ds.batch(4, drop_remainder=True)) == 2
    assert rows(ds.skip(7)) == [7, 8, 9] and rows(ds.take(2)) == [0, 1] and rows(ds.take(-1)) == rows(ds)
    assert rows(ds.take(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert rows(ds.repeat().take(12))[-2:] == [0, 1]
    assert int(ds.repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(ds.filter(lambda v: v > 3).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert int(tf.data.experimental.cardinality(ds.repeat(3).batch(4))) == 8
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(ds.filter(lambda v: v > 3))


def test_shuffle_is_a_permutation_that_changes_per_epoch_and_follows_the_seed():
    ds = Dataset.from_tensor_slices(np.arange(100)).shuffle(100)
    first, second = rows(ds), rows(ds)
    assert sorted(first) == list(range(100)) and first != second and first != list(range(100))
    tf.random.set_seed(3)
    a = rows(ds)
    tf.random.set_seed(3)
    assert rows(ds) == a  # no seed given: the global seed decides, as tf.random.set_seed does in TF
    fixed = Dataset.from_tensor_slices(np.arange(50)).shuffle(50, seed=1, reshuffle_each_iteration=False)
    assert rows(fixed) == rows(fixed)
    small = rows(Dataset.from_tensor_slices(np.arange(100)).shuffle(2))  # a 2-slot buffer only swaps neighbours
    assert sorted(small) == list(range(100)) and all(abs(v - i) <= 50 for i, v in enumerate(small[:10]))
    assert small[0] in (0, 1)
    gen = Dataset.from_generator(lambda: iter(range(30)), output_types=tf.int32).shuffle(30)
    assert sorted(rows(gen)) == list(range(30))


def test_map_filter_zip_unbatch_enumerate_concatenate():
    ds = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10))
    mapped = ds.map(lambda a, b: (a * 2, b + 1), num_parallel_calls=tf.data.AUTOTUNE)
    assert rows(mapped)[3] == (6, 31)
    assert rows(ds.filter(lambda a, b: a % 2 == 0).map(lambda a, b: a)) == [0, 2, 4]
    zipped = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert rows(zipped) == [(0, 10), (1, 11), (2, 12)] and len(zipped) == 3
    assert rows(ds.batch(4).unbatch().map(lambda a, b: b)) == [0, 10, 20, 30, 40, 50]
    assert rows(Dataset.range(2).enumerate(start=5)) == [(5, 0), (6, 1)]
    assert rows(Dataset.range(2).concatenate(Dataset.range(7, 8))) == [0, 1, 7]
    total = Dataset.range(5).reduce(tf.constant(0, dtype=tf.int64), lambda state, v: state + v)
    assert int(total) == 10


def test_generators_padded_batches_and_cache():
    calls = []

    def sentences():
        calls.append(1)
        yield from ([1], [2, 3], [4, 5, 6], [7])

    ds = Dataset.from_generator(sentences, output_types=tf.int32, output_shapes=(None,))
    batches = [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
    assert batches == [[[1, 0], [2, 3]], [[4, 5, 6], [7, 0, 0]]]
    fixed = next(ds.padded_batch(4, padded_shapes=[5], padding_values=-1).as_numpy_iterator())
    assert fixed.tolist()[0] == [1, -1, -1, -1, -1]
    labelled = Dataset.from_generator(lambda: iter([([1, 2], 0), ([3], 1)]), output_types=(tf.int32, tf.int32))
    x, y = next(labelled.padded_batch(2).as_numpy_iterator())
    assert x.tolist() == [[1, 2], [3, 0]] and y.tolist() == [0, 1]
    cached = ds.cache()
    calls.clear()
    assert len(rows(cached)) == 4 and len(rows(cached)) == 4 and len(calls) == 1  # drawn from the generator once
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator(sentences())


def test_unsupported_dataset_methods_fail_in_one_line():
    with pytest.raises(AttributeError, match=r"^tf\.data\.Dataset\.fingerprint is not supported in tkeras$"):
        Dataset.range(3).fingerprint
    with pytest.raises(AttributeError, match=r"^tf\.data\.experimental\.SqlDataset is not supported in tkeras$"):
        tf.data.experimental.SqlDataset


def _model():
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_datasets_feed_fit_evaluate_and_predict_like_arrays():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("float32")
    train = Dataset.from_tensor_slices((x, y)).shuffle(200).batch(20).prefetch(tf.data.AUTOTUNE)
    model = _model()
    history = model.fit(train, epochs=8, validation_data=Dataset.from_tensor_slices((x, y)).batch(50), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(history.history["val_accuracy"]) == 8
    from_arrays = model.evaluate(x, y, batch_size=50, verbose=0)
    np.testing.assert_allclose(model.evaluate(Dataset.from_tensor_slices((x, y)).batch(50), verbose=0), from_arrays,
                               rtol=1e-5)
    np.testing.assert_allclose(model.predict(Dataset.from_tensor_slices(x).batch(64), verbose=0),
                               model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    endless = Dataset.from_tensor_slices((x, y)).batch(20).repeat()
    assert len(model.fit(endless, epochs=2, steps_per_epoch=3, verbose=0).history["loss"]) == 2


def test_a_custom_training_loop_over_a_dataset():
    """The TF 2 "expert" quickstart: iterate the dataset, take gradients with a tape, apply them."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x[:, 0] + x[:, 2] > 0).astype("int64")
    model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(0.01)
    train_accuracy = keras.metrics.SparseCategoricalAccuracy()
    ds = Dataset.from_tensor_slices((x, y)).shuffle(256).batch(32)
    for _ in range(5):
        train_accuracy.reset_state()
        for images, labels in ds:
            with tf.GradientTape() as tape:
                predictions = model(images, training=True)
                loss = loss_object(labels, predictions)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            train_accuracy(labels, predictions)
    assert float(train_accuracy.result()) > 0.9
    assert isinstance(loss, torch.Tensor) and loss.dim() == 0
