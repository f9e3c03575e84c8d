"""`model.layers` of a functional model in Keras 3's order.

The order decides the weight paths in `.keras` files (`dense`, `dense_1`, ... by position among layers
of one class) and the order of `get_weights()`; with another order, a file with two Dense layers on
branches of different lengths loads their kernels swapped in real Keras. The expected lists were printed
by Keras 3.15.1 for the same graphs (deepest layers first, ties by first sight walking back from the
outputs).
"""
import json
import zipfile

import tkeras as keras
from tests.keras_files import weight_shapes
from tkeras import layers as L


def _names(model):
    return [layer.name for layer in model.layers]


def test_inputs_take_their_depth_not_their_position():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2, 2), name="b")
    model = keras.Model([a, b], L.Concatenate(name="cat")([a, L.Flatten(name="flat")(b)]))
    assert _names(model) == ["b", "a", "flat", "cat"]


def test_a_longer_branch_lists_its_first_layer_before_a_shorter_branchs_output():
    x = keras.Input((4,), name="x")
    model = keras.Model(x, [L.Dense(2, name="first")(x), L.Dense(1, name="third")(L.Dense(3, name="second")(x))])
    assert _names(model) == ["x", "second", "first", "third"]


def test_a_shared_layer_sits_at_its_deepest_call():
    x = keras.Input((4,), name="x")
    h = L.Dense(4, name="h1")(x)
    shared = L.Dense(4, name="shared")
    o1 = shared(h)
    o2 = shared(L.Dense(4, name="h2")(o1))
    model = keras.Model(x, [L.Add(name="add")([o1, o2, x]), L.Dense(1, name="side")(h)])
    assert _names(model) == ["x", "h1", "shared", "h2", "add", "side"]


def test_dict_inputs_and_two_outputs():
    i1, i2, i3 = keras.Input((5,), name="i1"), keras.Input((5,), name="i2"), keras.Input((5,), name="i3")
    d = L.Dense(5, name="d1")(L.Dense(5, name="d0")(i1))
    m = L.Multiply(name="mul")([i3, d, i2])
    model = keras.Model({"i1": i1, "i2": i2, "i3": i3}, [L.Dense(1, name="out")(m), L.Dense(2, name="aux")(i2)])
    assert _names(model) == ["i1", "d0", "i3", "d1", "i2", "mul", "out", "aux"]


def test_the_weight_paths_follow_that_order(tmp_path):
    x = keras.Input((4,), name="x")
    model = keras.Model(x, [L.Dense(2, name="first")(x), L.Dense(1, name="third")(L.Dense(3, name="second")(x))])
    path = tmp_path / "branches.keras"
    model.save(path)
    shapes = weight_shapes(path)
    kernels = {name: shapes[f"layers/{name}/vars/0"] for name in ("dense", "dense_1", "dense_2")}
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    assert kernels == {"dense": (4, 3), "dense_1": (4, 2), "dense_2": (3, 1)}  # second, first, third
    assert [entry["name"] for entry in config["config"]["layers"]] == ["x", "second", "first", "third"]
