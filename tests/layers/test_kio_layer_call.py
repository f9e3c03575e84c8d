"""How layers are called and traced, against real Keras (recorded by
tests/fixtures/make_kio_layer_call_reference.py from Keras 3.15 and tf-keras 2.21): positional
`training`, masks of list outputs and of KerasTensors, the mask arguments `call` receives,
`def build(self)`, a static batch size, shape probes that leave metrics untouched, text inputs to a
custom layer, and weight paths of sublayers built inside a parent's call.
"""
import json
import os

import numpy as np

import tkeras as keras

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_layer_call_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)


def _shape(tensor):
    return [None if d is None else int(d) for d in tensor.shape]


class Doubling(keras.layers.Layer):
    def call(self, inputs, training=None):
        return inputs * 2.0 if training else inputs


def test_positional_training_is_bound_to_the_training_argument():
    expected = REFERENCE["positional_training"]
    x = np.ones((2, 3), "float32")
    layer = Doubling()
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Doubling()(inputs))
    np.testing.assert_allclose(np.asarray(layer(x, True)), expected["layer_true"])
    np.testing.assert_allclose(np.asarray(layer(x, False)), expected["layer_false"])
    np.testing.assert_allclose(np.asarray(model(x, True)), expected["model_true"])
    np.testing.assert_allclose(np.asarray(model(x, False)), expected["model_false"])


class TemporalSplit(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else keras.ops.split(mask, 2, axis=1)


def test_each_output_of_a_list_gets_its_own_mask():
    ids = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 0, 0, 0, 0], [6, 7, 8, 9, 1, 0]])
    embedded = keras.layers.Embedding(10, 4, mask_zero=True)(ids)
    first, second = TemporalSplit()(embedded)
    assert [np.asarray(first._keras_mask).tolist(), np.asarray(second._keras_mask).tolist()] == \
        REFERENCE["split_masks"]


class PassMask(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return keras.ops.relu(inputs)


def test_keras_tensors_carry_symbolic_masks():
    expected = REFERENCE["symbolic_masks"]
    token_ids = keras.Input(shape=(None,), dtype="int32")
    hidden = keras.layers.Embedding(50, 8, mask_zero=True)(token_ids)
    passed = PassMask()(hidden)
    dense = keras.layers.Dense(3)(keras.Input((4,)))
    assert [_shape(hidden._keras_mask), str(hidden._keras_mask.dtype)] == expected["embedding"]
    assert [_shape(passed._keras_mask), str(passed._keras_mask.dtype)] == expected["pass_mask"]
    assert hasattr(dense, "_keras_mask") is expected["unmasked_has_mask"]
    assert getattr(token_ids, "_keras_mask", None) is None


def test_mask_arguments_follow_the_number_of_tensor_arguments():
    seen = {}

    class TwoTensors(keras.layers.Layer):
        def call(self, inputs, other, mask=None):
            seen["two_tensors"] = None if mask is None else _shape(mask)
            return inputs

    class NamedMasks(keras.layers.Layer):
        def call(self, query, value, query_mask=None, value_mask=None, mask=None):
            seen["named_masks"] = [None if m is None else _shape(m) for m in (query_mask, value_mask, mask)]
            return query

    class OneTensor(keras.layers.Layer):
        def call(self, inputs, mask=None):
            seen["one_tensor"] = None if mask is None else _shape(mask)
            return inputs

    masked = keras.layers.Embedding(10, 4, mask_zero=True)(np.array([[1, 2, 0], [3, 0, 0]]))
    plain = keras.ops.ones((2, 5, 4))
    TwoTensors()(masked, plain)
    NamedMasks()(masked, plain)
    OneTensor()(masked)
    assert seen == REFERENCE["mask_arguments"]


class SelfSized(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self):
        self.w = self.add_weight(shape=(3, self.units), initializer="ones", name="w")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)


def test_build_without_an_input_shape_argument():
    expected = REFERENCE["zero_argument_build"]
    eager = SelfSized(2)
    np.testing.assert_allclose(np.asarray(eager(np.ones((1, 3), "float32"))), expected["eager"])
    assert len(eager.weights) == expected["weights"]
    assert _shape(SelfSized(4)(keras.Input((3,)))) == expected["symbolic_shape"]


class SumLastAxis(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.expand_dims(keras.ops.sum(inputs, axis=-1), -1)


def test_a_static_batch_size_is_kept():
    assert _shape(SumLastAxis()(keras.Input(batch_shape=(16, 8, 4)))) == REFERENCE["static_batch_shape"]
    assert list(SumLastAxis().compute_output_shape((16, 8, 4))) == REFERENCE["static_batch_shape"]


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = keras.metrics.BinaryAccuracy()

    def call(self, targets, logits):
        self.add_loss(self.loss_fn(targets, logits))
        self.accuracy_fn.update_state(targets, logits)
        return keras.ops.softmax(logits)


def test_shape_probes_leave_metrics_and_losses_untouched():
    expected = REFERENCE["probe_side_effects"]
    features, targets = keras.Input((3,)), keras.Input((10,))
    endpoint = LogisticEndpoint()
    predictions = endpoint(keras.layers.Dense(10, kernel_initializer="ones")(features), targets)
    assert [float(v) for v in endpoint.accuracy_fn.variables] == expected["after_build"]
    assert len(endpoint.losses) == 0
    model = keras.Model([features, targets], predictions)
    model([np.asarray(expected["features"]), np.asarray(expected["targets"])])
    assert [float(v) for v in endpoint.accuracy_fn.variables] == expected["after_call"]


class LookupEmbedding(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lookup = keras.layers.StringLookup(vocabulary=["a", "b", "c"], mask_token=None, num_oov_indices=0)
        self.embedding = keras.layers.Embedding(3, 2, embeddings_initializer="ones")

    def call(self, inputs):
        indices = self.lookup(inputs)
        return self.embedding(indices) * keras.ops.expand_dims(keras.ops.cast(indices, "float32"), -1)


def test_a_custom_layer_is_traced_on_text_inputs():
    expected = REFERENCE["text_inputs"]
    text = keras.Input(shape=(), dtype="string")
    embedded = LookupEmbedding()(text)
    assert [_shape(embedded), embedded.dtype] == [expected["shape"], expected["dtype"]]
    model = keras.Model(text, embedded)
    np.testing.assert_allclose(np.asarray(model(np.array(["c", "a", "b"], dtype=object))), expected["values"])


class Linear(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)


class Block(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Linear(4, name="first")
        self.second = Linear(1, name="second")

    def call(self, inputs):
        return self.second(self.first(inputs))


class Encoder(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4, name="proj")

    def call(self, inputs):
        return self.dense(inputs)


class AutoEncoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = Encoder(name="encoder")
        self.decoder = keras.layers.Dense(3, name="out")

    def call(self, inputs):
        return self.decoder(self.encoder(inputs))


def test_sublayers_built_in_a_call_are_named_under_the_caller():
    expected = REFERENCE["weight_paths"]
    block = Block(name="block")
    block(np.ones((2, 3), "float32"))
    autoencoder = AutoEncoder(name="autoencoder")
    autoencoder(np.ones((2, 3), "float32"))
    graph_input = keras.Input((3,))
    graph_model = keras.Model(graph_input, Block(name="graph_block")(graph_input))
    assert [w.path for w in block.weights] == expected["block"]
    assert [w.path for w in autoencoder.weights] == expected["autoencoder"]
    assert [w.path for w in graph_model.weights] == expected["functional"]


class TextPairs(keras.layers.Layer):
    def call(self, inputs):
        return np.stack([np.asarray(inputs), np.asarray(inputs)], axis=1)


def test_text_handed_on_by_a_custom_layer_stays_text_in_the_graph():
    text = keras.Input(shape=(), dtype="string")
    pairs = TextPairs()(text)
    assert (_shape(pairs), pairs.dtype) == ([None, 2], "string")
    ids = keras.layers.StringLookup(vocabulary=["a"])(pairs)
    model = keras.Model(text, ids)
    assert np.asarray(model(np.array(["a", "q"], dtype=object))).tolist() == [[1, 1], [0, 0]]
