"""A PyDataset's `__getitem__`, its epoch hooks and a generator given to fit/predict are user code: the
tensors they make are the ones they get outside fit (in Keras 3 on TensorFlow, EagerTensors), so NumPy 2
reads them without a DeprecationWarning; what they hand back trains as plain data."""
import warnings

import numpy as np

import tkeras as keras

_OUTSIDE_FIT = type(keras.ops.ones((1,)))


class _Batches(keras.utils.PyDataset):
    def __init__(self, seen, **kwargs):
        super().__init__(**kwargs)
        self.seen = seen
        self.x = np.arange(32, dtype="float32").reshape(8, 4) / 32

    def __len__(self):
        return 2

    def on_epoch_end(self):
        self.seen.append(type(keras.ops.ones((1,))))

    def __getitem__(self, index):
        x = keras.ops.convert_to_tensor(self.x[index * 4:(index + 1) * 4])
        self.seen.append(type(x))
        return np.array(x * 2.0), keras.ops.sum(x, axis=1, keepdims=True)


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    return model


def test_pydataset_code_sees_the_tensors_it_sees_outside_fit():
    seen = []
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        loss = model.fit(_Batches(seen), epochs=1, verbose=0).history["loss"][0]
        model.predict(_Batches(seen), verbose=0)
    assert seen and all(kind is _OUTSIDE_FIT for kind in seen)
    x = np.arange(32, dtype="float32").reshape(8, 4) / 32
    expected = np.mean((2 * x.sum(1) - x.sum(1)) ** 2)  # kernel of ones, zero bias; SGD(0) keeps them
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_generator_code_sees_the_tensors_it_sees_outside_fit():
    seen = []

    def batches():
        while True:
            x = keras.ops.ones((4, 4))
            seen.append(type(x))
            yield np.array(x), np.ones((4, 1), "float32")

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        _model().fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    assert len(seen) >= 2 and all(kind is _OUTSIDE_FIT for kind in seen)
