"""Functional models: graph construction, execution against NumPy, configs, summaries and errors."""
import json

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers, ops
from tkeras.layers import Layer

RNG = np.random.default_rng(3)


def _dense_np(x, layer, activation=None):
    kernel, bias = layer.get_weights()
    y = x @ kernel + bias
    return np.maximum(y, 0) if activation == "relu" else y


def _two_head_model():
    inp = keras.Input(shape=(6,), name="features")
    hidden = layers.Dense(5, activation="relu", name="hidden")(inp)
    out_a = layers.Dense(1, name="price")(hidden)
    out_b = layers.Dense(3, activation="softmax", name="kind")(hidden)
    return keras.Model(inp, [out_a, out_b], name="two_heads")


def test_single_path_matches_numpy_and_exposes_keras_attributes():
    inp = keras.Input(shape=(4,), name="x")
    out = layers.Dense(2, name="out")(layers.Dense(3, activation="relu", name="h")(inp))
    model = keras.Model(inputs=inp, outputs=out, name="mlp")
    assert [l.name for l in model.layers] == ["x", "h", "out"]
    assert type(model.layers[0]).__name__ == "InputLayer"
    assert model.get_layer("h") is model.layers[1] and model.get_layer(index=2) is model.layers[2]
    assert model.inputs == [inp] and model.outputs == [out]
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert model.output_names == ["out"]
    x = RNG.normal(size=(5, 4)).astype("float32")
    expected = _dense_np(_dense_np(x, model.get_layer("h"), "relu"), model.get_layer("out"))
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert len(model._plan) == 2  # one step per layer call, computed once at construction


def test_several_outputs_as_list_and_dict_and_several_inputs_by_name():
    model = _two_head_model()
    assert model.output_names == ["price", "kind"] and model.output_shape == [(None, 1), (None, 3)]
    x = RNG.normal(size=(4, 6)).astype("float32")
    price, kind = model(x)
    hidden = _dense_np(x, model.get_layer("hidden"), "relu")
    np.testing.assert_allclose(price.numpy(), _dense_np(hidden, model.get_layer("price")), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(kind.numpy().sum(-1), np.ones(4), rtol=1e-5)

    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(3,), name="b")
    joined = layers.Concatenate(name="joined")([a, b])
    dict_model = keras.Model({"a": a, "b": b}, {"sum": layers.Dense(1, name="sum")(joined), "joined": joined})
    assert dict_model.output_names == ["joined", "sum"]  # sorted keys, as Keras 3 and tf-keras 2
    xa, xb = np.ones((2, 2), "float32"), np.full((2, 3), 2.0, "float32")
    by_name = dict_model({"b": xb, "a": xa})
    by_list = dict_model([xa, xb])
    np.testing.assert_array_equal(by_name["joined"].numpy(), np.concatenate([xa, xb], 1))
    np.testing.assert_array_equal(by_list["sum"].numpy(), by_name["sum"].numpy())
    with pytest.raises(ValueError, match=r"missing input\(s\) \['b'\]"):
        dict_model({"a": xa})


class PlusTimes(Layer):
    """A two-input layer: a + 2 * b (stands in for a merge layer)."""

    def call(self, inputs):
        a, b = inputs
        return a + 2 * b

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def test_shared_layer_and_two_input_custom_layer():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    combined = PlusTimes(name="combine")([shared(a), shared(b)])
    model = keras.Model([a, b], combined)
    assert [l.name for l in model.layers] == ["a", "b", "shared", "combine"]
    assert len(model.weights) == 2  # the shared layer's weights count once
    xa, xb = RNG.normal(size=(2, 3)).astype("float32"), RNG.normal(size=(2, 3)).astype("float32")
    dense = model.get_layer("shared")
    expected = _dense_np(xa, dense) + 2 * _dense_np(xb, dense)
    np.testing.assert_allclose(model([xa, xb]).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert model.summary_connections(model.get_layer("shared")) == "['a[0][0]', 'b[0][0]']"
    assert model.summary_connections(model.get_layer("combine")) == "['shared[0][0]', 'shared[1][0]']"
    rebuilt = keras.Model.from_config(model.get_config(), custom_objects={"PlusTimes": PlusTimes})
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt([xa, xb]).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_nested_model_is_a_layer():
    inner_in = keras.Input(shape=(4,))
    inner = keras.Model(inner_in, layers.Dense(3, name="inner_dense")(inner_in), name="inner")
    x = keras.Input(shape=(4,))
    outer = keras.Model(x, layers.Dense(1, name="head")(inner(x)), name="outer")
    assert [type(l).__name__ for l in outer.layers] == ["InputLayer", "Functional", "Dense"]
    assert len(outer.trainable_weights) == 4
    data = RNG.normal(size=(3, 4)).astype("float32")
    expected = _dense_np(_dense_np(data, inner.get_layer("inner_dense")), outer.get_layer("head"))
    np.testing.assert_allclose(outer(data).numpy(), expected, rtol=1e-5, atol=1e-6)
    rebuilt = keras.Model.from_config(json.loads(json.dumps(outer.get_config())))
    rebuilt.set_weights(outer.get_weights())
    np.testing.assert_allclose(rebuilt(data).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_config_is_keras_3_format_and_round_trips():
    model = _two_head_model()
    config = json.loads(json.dumps(model.get_config()))
    assert config["input_layers"] == ["features", 0, 0]
    assert config["output_layers"] == [["price", 0, 0], ["kind", 0, 0]]
    hidden = next(l for l in config["layers"] if l["name"] == "hidden")
    arg = hidden["inbound_nodes"][0]["args"][0]
    assert arg["class_name"] == "__keras_tensor__"
    assert arg["config"]["keras_history"] == ["features", 0, 0] and arg["config"]["shape"] == [None, 6]
    rebuilt = keras.Model.from_config(config)
    assert rebuilt.name == "two_heads" and rebuilt.output_names == ["price", "kind"]
    rebuilt.set_weights(model.get_weights())
    x = RNG.normal(size=(2, 6)).astype("float32")
    for got, want in zip(rebuilt(x), model(x)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_reads_keras_2_inbound_nodes():
    config = {
        "name": "model", "layers": [
            {"class_name": "InputLayer", "name": "input_1",
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False, "name": "input_1"},
             "inbound_nodes": []},
            {"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 2},
             "inbound_nodes": [[["input_1", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "dense_1", "config": {"name": "dense_1", "units": 2},
             "inbound_nodes": [[["input_1", 0, 0, {}]]]},
            {"class_name": "Add", "name": "add", "config": {"name": "add"},
             "inbound_nodes": [[["dense", 0, 0, {}], ["dense_1", 0, 0, {}]]]},
        ],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}
    model = keras.Model.from_config(config)
    assert [l.name for l in model.layers] == ["input_1", "dense", "dense_1", "add"]
    x = RNG.normal(size=(2, 3)).astype("float32")
    expected = _dense_np(x, model.get_layer("dense")) + _dense_np(x, model.get_layer("dense_1"))
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_masks_flow_through_the_graph():
    tokens = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    model = keras.Model(tokens, layers.LSTM(3)(embedded))
    assert model.output_shape == (None, 3)
    padded = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]])
    trimmed = np.array([[1, 2, 3], [4, 5, 0]])
    np.testing.assert_allclose(model(padded).numpy(), model(trimmed).numpy(), atol=1e-6)


def test_operators_and_ops_on_symbolic_tensors():
    inp = keras.Input(shape=(4,))
    first = inp[:, 0:1]
    out = ops.sum(inp * 2.0 + 1.0, axis=1, keepdims=True) - first
    model = keras.Model(inp, out)
    assert model.output_shape == (None, 1)
    x = RNG.normal(size=(3, 4)).astype("float32")
    expected = (x * 2 + 1).sum(1, keepdims=True) - x[:, :1]
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5)
    rebuilt = keras.Model.from_config(json.loads(json.dumps(model.get_config())))
    np.testing.assert_allclose(rebuilt(x).numpy(), expected, rtol=1e-5)


def test_summary_has_the_connected_to_column():
    lines = []
    _two_head_model().summary(print_fn=lines.append)
    header = next(line for line in lines if line.startswith("Layer (type)"))
    assert "Connected to" in header
    row = next(line for line in lines if line.startswith("kind (Dense)"))
    assert "(None, 3)" in row and "18" in row and "['hidden[0][0]']" in row
    assert any(line.startswith("Total params: 59") for line in lines)


def test_subclass_passing_inputs_and_outputs_to_model():
    class Wrapped(keras.Model):
        def __init__(self):
            inp = keras.Input(shape=(2,))
            super().__init__(inp, layers.Dense(1, name="d")(inp), name="wrapped")

    model = Wrapped()
    assert isinstance(model, Wrapped) and model.name == "wrapped"
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(model(x).numpy(), _dense_np(x, model.get_layer("d")), rtol=1e-6)


def test_errors_name_what_is_wrong():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    summed = layers.Add()([layers.Dense(2)(a), layers.Dense(2)(b)])
    with pytest.raises(ValueError, match=r"Graph disconnected.*'b'"):
        keras.Model(a, summed)
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match=r"'same' is used 2 times"):
        keras.Model(x, layers.Dense(1, name="same")(layers.Dense(2, name="same")(x)))
    dense = layers.Dense(2, name="fixed")
    dense(keras.Input(shape=(4,)))
    with pytest.raises(ValueError, match=r"'fixed'.*axis -1 of input shape to have value 4.*value 5"):
        dense(keras.Input(shape=(5,)))
    with pytest.raises(TypeError, match="must be KerasTensors"):
        keras.Model(x, np.ones(3))
    with pytest.raises(ValueError, match="Graph disconnected"):  # intermediate inputs are fine (Keras 3)
        keras.Model(layers.Dense(2)(x), layers.Dense(1)(x))
    with pytest.raises(TypeError, match="cannot be converted to a NumPy array"):
        np.asarray(x)


def test_subclassed_model_summary_uses_three_columns_and_multiple():
    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.first = layers.Dense(3, name="first")

        def call(self, inputs):
            return self.first(inputs)

    model = Sub()
    model(np.ones((1, 2), "float32"))
    lines = []
    model.summary(print_fn=lines.append)
    assert "Connected to" not in "\n".join(lines)
    row = next(line for line in lines if line.startswith("first (Dense)"))
    assert "multiple" in row and "9" in row


def test_feature_extraction_from_layer_outputs():
    base = _two_head_model()
    assert base.get_layer("hidden").output.shape == (None, 5)
    assert base.get_layer("hidden").input is base.input
    extractor = keras.Model(base.input, base.get_layer("hidden").output)
    x = RNG.normal(size=(2, 6)).astype("float32")
    np.testing.assert_allclose(extractor(x).numpy(), _dense_np(x, base.get_layer("hidden"), "relu"), rtol=1e-5,
                               atol=1e-6)
    assert extractor.get_layer("hidden") is base.get_layer("hidden")  # the same layer objects, shared


def test_reads_a_config_written_by_real_keras_3():
    """Golden file from Keras 3.15.1: dict inputs, a shared layer, a nested model, two outputs."""
    import pathlib
    golden = json.loads((pathlib.Path(__file__).parent / "data" / "keras3_functional.json").read_text())
    model = keras.Model.from_config(golden["config"])
    assert [l.name for l in model.layers] == ["a", "b", "shared", "pre_b", "cat", "inner", "out1", "out2"]
    model.set_weights([np.asarray(w, "float32") for w in golden["weights"]])
    inputs = {k: np.asarray(v, "float32") for k, v in golden["inputs"].items()}
    for got, want in zip(model(inputs), golden["outputs"]):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)
    # and tkeras' own config of it is what Keras 3 wrote, up to the layer configs' details
    config = model.get_config()
    assert config["input_layers"] == golden["config"]["input_layers"]
    assert config["output_layers"] == golden["config"]["output_layers"]
    for ours, theirs in zip(config["layers"], golden["config"]["layers"]):
        assert ours["name"] == theirs["name"] and ours["class_name"] == theirs["class_name"]
        assert _histories(ours["inbound_nodes"]) == _histories(theirs["inbound_nodes"])
    assert _histories(config["layers"][4]["inbound_nodes"]) == [["shared", 0, 0], ["pre_b", 0, 0]]


def _histories(value):
    """Every keras_history in a (nested) inbound_nodes structure, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [list(value["config"]["keras_history"])]
        return [h for v in value.values() for h in _histories(v)]
    if isinstance(value, (list, tuple)):
        return [h for v in value for h in _histories(v)]
    return []


def test_reads_a_config_written_by_tf_keras_2():
    """Golden file from tf-keras 2.21: a layer shared across two calls (node indices 0 and 1), nested model."""
    import pathlib
    golden = json.loads((pathlib.Path(__file__).parent / "data" / "keras2_functional.json").read_text())
    model = keras.Model.from_config(golden["config"])
    model.set_weights([np.asarray(w, "float32") for w in golden["weights"]])
    outputs = model([np.asarray(v, "float32") for v in golden["inputs"]])
    for got, want in zip(outputs, golden["outputs"]):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)
    assert model.summary_connections(model.get_layer("cat")) == "['shared[0][0]', 'shared[1][0]']"


def test_input_is_a_symbolic_tensor_with_shape_dtype_and_name():
    ids = keras.Input(shape=(3,), batch_size=4, dtype="int32", name="ids")
    assert isinstance(ids, keras.KerasTensor)
    assert ids.shape == (4, 3) and ids.dtype == "int32" and ids.name == "ids" and ids.sparse is False
    assert keras.Input(shape=(2,), sparse=True).sparse is True
    assert keras.Input(shape=(None, 5)).shape == (None, None, 5)
    with pytest.raises(ValueError, match="Input needs shape"):
        keras.Input()
    with pytest.raises(TypeError, match="truth value of the symbolic tensor 'ids' is unknown"):
        bool(ids)
    model = keras.Model(ids, layers.Embedding(10, 2, name="emb")(ids))
    assert model.input_shape == (4, 3) and model.output_shape == (4, 3, 2)


def test_several_inputs_shapes_and_get_layer_errors():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2, 2), name="b")
    out = layers.Concatenate(name="cat")([a, layers.Flatten(name="flat")(b)])
    model = keras.Model([a, b], out)
    assert model.input_shape == [(None, 3), (None, 2, 2)] and model.output_shape == (None, 7)
    assert model.get_layer(index=-1).name == "cat" and model.get_layer("flat") is model.layers[2]
    with pytest.raises(ValueError, match=r"No such layer: 'nope'. Existing layers are: \['b', 'a', 'flat', 'cat'\]"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 9 is out of range for a model with 4 layers"):
        model.get_layer(index=9)


class _NoGraph:
    """Stands in for a layer's recorded calls: any use means the graph is being walked again."""

    def _walked(self, *args):
        raise AssertionError("the graph was walked after construction")

    __iter__ = __getitem__ = __len__ = _walked


def test_execution_plan_is_computed_once_at_construction(monkeypatch):
    from tkeras.models import graph_order
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    model = keras.Model([a, b], layers.Add(name="add")([shared(a), shared(b)]))
    assert [step[0].name for step in model._plan] == ["shared", "shared", "add"]
    for layer in model.layers:
        monkeypatch.setattr(layer, "_inbound_nodes", _NoGraph())
    monkeypatch.setattr(graph_order, "nodes_in_order", lambda *args: pytest.fail("graph walked per call"))
    xa, xb = RNG.normal(size=(4, 3)).astype("float32"), RNG.normal(size=(4, 3)).astype("float32")
    dense = model.get_layer("shared")
    expected = _dense_np(xa, dense) + _dense_np(xb, dense)
    np.testing.assert_allclose(model([xa, xb]).numpy(), expected, rtol=1e-5, atol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    model.fit([xa, xb], np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), model([xa, xb]).numpy(), rtol=1e-6)


def test_masks_through_merges_nested_models_and_the_mask_argument():
    import torch
    tokens = keras.Input(shape=(None,), dtype="int32")
    summed = layers.Add()([layers.Embedding(10, 4, mask_zero=True)(tokens),
                           layers.Embedding(10, 4, mask_zero=True)(tokens)])
    merged = keras.Model(tokens, layers.LSTM(3)(summed))
    padded, trimmed = np.array([[1, 2, 3, 0, 0]]), np.array([[1, 2, 3]])
    np.testing.assert_allclose(merged(padded).numpy(), merged(trimmed).numpy(), atol=1e-6)

    sequences = keras.Input(shape=(None, 4))
    inner = keras.Model(sequences, layers.LSTM(3)(sequences))
    ids = keras.Input(shape=(None,), dtype="int32")
    outer = keras.Model(ids, inner(layers.Embedding(10, 4, mask_zero=True)(ids)))
    np.testing.assert_allclose(outer(padded).numpy(), outer(trimmed).numpy(), atol=1e-6)

    embedded = layers.Embedding(10, 4)(padded)
    mask = torch.tensor([[True, True, True, False, False]])
    np.testing.assert_allclose(inner(embedded, mask=mask).numpy(), inner(embedded[:, :3]).numpy(), atol=1e-6)
    assert "_keras_mask" not in embedded.__dict__  # the caller's tensor is not marked


def test_summary_rows_of_a_shared_layer_and_an_op():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    total = shared(a) + shared(b)
    lines = []
    keras.Model([a, b], total, name="siamese").summary(print_fn=lines.append)
    rows = {line.split(" ")[0]: line for line in lines if "(" in line and not line.startswith("Model")}
    assert rows["a"].split() == ["a", "(InputLayer)", "(None,", "3)", "0", "[]"]
    assert rows["shared"].split() == ["shared", "(Dense)", "(None,", "2)", "8", "['a[0][0]',", "'b[0][0]']"]
    assert rows["op_add"].split() == ["op_add", "(OperatorLayer)", "(None,", "2)", "0", "['shared[0][0]',",
                                      "'shared[1][0]']"]
    assert "Total params: 8" in lines


def test_unknown_call_arguments_fail_when_the_graph_is_built():
    x = keras.Input(shape=(3,))
    with pytest.raises(TypeError, match=r"'d' \(Dense\): call\(\) got unexpected keyword argument\(s\) \['foo'\]"):
        layers.Dense(2, name="d")(x, foo=1)
    with pytest.raises(ValueError, match=r"Layer 'cat' \(Concatenate\) cannot be called on input\(s\) of shape "
                                         r"\[\(None, 3, 4\), \(None, 5, 6\)\]"):
        layers.Concatenate(name="cat")([keras.Input(shape=(3, 4)), keras.Input(shape=(5, 6))])


def test_model_layers_leave_out_op_nodes_as_keras_3_does():
    # Keras 3.15.1: Model(x, Dense(1)(ops.relu(Dense(4)(x) * 2.0))).layers == [input, dense, dense_1];
    # its config and summary still list the Multiply and Relu operations.
    x = keras.Input((3,))
    h = keras.layers.Dense(4)(x)
    out = keras.layers.Dense(1)(keras.ops.relu(h * 2.0))
    model = keras.Model(x, out)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert len(model.get_config()["layers"]) == 5
    lines = []
    model.summary(print_fn=lines.append)
    assert sum("Operator" in line or "multiply" in line.lower() for line in lines) >= 1
    clone = keras.models.clone_model(model)
    probe = np.ones((2, 3), "float32")
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(probe, verbose=0), model.predict(probe, verbose=0), rtol=1e-6)


def test_a_forward_pass_lets_go_of_tensors_no_later_layer_reads():
    """Intermediate activations die as soon as their last reader ran (as in an eager torch forward),
    not when the whole pass returns: a ResNet50 at batch 32 otherwise holds every activation at once."""
    import weakref

    import torch

    refs, alive_when_called = {}, {}

    class Spy(Layer):
        def call(self, x):
            alive_when_called[self.name] = {name: ref() is not None for name, ref in refs.items()}
            out = x * 2.0
            refs[self.name] = weakref.ref(out)
            return out

        def compute_output_shape(self, input_shape):
            return input_shape

    inputs = keras.Input((4,))
    a = Spy(name="a")(inputs)
    b = Spy(name="b")(a)
    c = Spy(name="c")(b)        # a was read by b only: gone by now; b is still read by the Add
    outputs = layers.Add()([b, c])
    model = keras.Model(inputs, outputs)
    refs.clear()
    with torch.no_grad():
        result = model(torch.ones(2, 4))
    np.testing.assert_allclose(result.numpy(), np.full((2, 4), 12.0))
    assert alive_when_called["c"] == {"a": False, "b": True}
    assert all(ref() is None for ref in refs.values())  # none of them is the returned tensor


def test_a_config_whose_output_names_a_call_that_never_happens_is_refused_clearly():
    # A damaged file's output endpoint pointing at a second call of a layer called once: a ValueError
    # naming the layer, not an internal exception from the replay of the graph.
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2, name="head")(inputs)
    config = keras.Model(inputs, outputs).get_config()
    config["output_layers"] = [["head", 3, 0]]
    with pytest.raises(ValueError, match="layer 'head'.*never makes"):
        keras.Model.from_config(config)
