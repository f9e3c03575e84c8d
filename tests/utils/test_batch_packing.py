"""keras.utils.unpack_x_y_sample_weight / pack_x_y_sample_weight: Keras 3's batch conventions, and the
fit loop reading its batches with the same function."""
import numpy as np
import pytest

import tkeras
from tkeras.training import data_adapter
from tkeras.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight

X = np.arange(6.0).reshape(3, 2)
Y = np.array([1.0, 0.0, 1.0])
W = np.array([0.5, 2.0, 1.0])


def _same(actual, expected):
    """Element-wise identity: the functions hand back the user's objects, never copies."""
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a is e


@pytest.mark.parametrize("data, expected", [
    (X, (X, None, None)),
    ((X,), (X, None, None)),
    ((X, Y), (X, Y, None)),
    ((X, Y, W), (X, Y, W)),
    ([X], (X, None, None)),          # a list is read as a tuple
    ([X, Y], (X, Y, None)),
    ([X, Y, W], (X, Y, W)),
], ids=["x", "(x,)", "(x,y)", "(x,y,w)", "[x]", "[x,y]", "[x,y,w]"])
def test_unpack_reads_each_batch_form(data, expected):
    _same(unpack_x_y_sample_weight(data), expected)


def test_unpack_never_takes_apart_a_dict_or_an_array():
    named = {"a": X, "b": Y}
    _same(unpack_x_y_sample_weight(named), (named, None, None))
    two_rows = X[:2]  # an array whose first axis has length 2 is x, not (x, y)
    _same(unpack_x_y_sample_weight(two_rows), (two_rows, None, None))
    nested = ((X, X), Y)  # two inputs and a target
    x, y, w = unpack_x_y_sample_weight(nested)
    assert x is nested[0] and y is Y and w is None


@pytest.mark.parametrize("data, kind, count", [((X, Y, W, W), "tuple", 4), ([X, Y, W, W, W], "list", 5),
                                              ((), "tuple", 0)])
def test_unpack_names_the_wrong_length(data, kind, count):
    with pytest.raises(ValueError) as info:
        unpack_x_y_sample_weight(data)
    message = str(info.value)
    assert "x, (x,), (x, y) or (x, y, sample_weight)" in message
    assert f"received a {kind} of {count} elements" in message
    if count:
        assert "(ndarray, ndarray" in message


def test_pack_gives_the_shortest_form():
    assert pack_x_y_sample_weight(X) is X
    for several in ((X, X), [X, X]):  # several inputs are wrapped, so (x1, x2) is not read as (x, y)
        packed = pack_x_y_sample_weight(several)
        assert type(packed) is tuple and len(packed) == 1 and packed[0] is several
    _same(pack_x_y_sample_weight(X, Y), (X, Y))
    _same(pack_x_y_sample_weight(X, Y, W), (X, Y, W))
    assert pack_x_y_sample_weight(X, None, W) is X  # Keras drops a sample_weight that has no target


@pytest.mark.parametrize("x", [X, (X, X), [X, X], {"a": X}], ids=["array", "tuple", "list", "dict"])
@pytest.mark.parametrize("y, w", [(None, None), (Y, None), (Y, W)], ids=["x", "x,y", "x,y,w"])
def test_pack_then_unpack_is_the_identity(x, y, w):
    _same(unpack_x_y_sample_weight(pack_x_y_sample_weight(x, y, w)), (x, y, w))


def test_one_implementation_reached_from_every_name():
    from tkeras.utils import batch_packing
    assert tkeras.utils.unpack_x_y_sample_weight is batch_packing.unpack_x_y_sample_weight
    assert tkeras.utils.pack_x_y_sample_weight is batch_packing.pack_x_y_sample_weight
    assert data_adapter.unpack is batch_packing.unpack_x_y_sample_weight  # the fit loop's reader
    assert {"unpack_x_y_sample_weight", "pack_x_y_sample_weight"} <= set(dir(tkeras.utils))


def test_a_generator_of_four_tuples_fails_fit_with_the_message():
    model = tkeras.Sequential([tkeras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")

    def batches():
        while True:
            yield X.astype("float32"), Y.astype("float32"), W.astype("float32"), W.astype("float32")

    with pytest.raises(ValueError, match=r"received a tuple of 4 elements"):
        model.fit(batches(), steps_per_epoch=1, epochs=1, verbose=0)
