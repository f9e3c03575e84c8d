"""A SeedGenerator's state is layer state, as in Keras 3.15.1 (tests/fixtures/
make_kio_seed_generator_state_reference.py): layers that own a generator (Dropout and the other noise
layers, the random image layers, the recurrent cells, a user layer holding `keras.random.SeedGenerator`)
list its int64 state in `variables` and `non_trainable_variables` under Keras' path, not in `weights`;
`.keras` files hold no seed state; unseeded generators start where Keras' do after `set_random_seed`;
each draw that takes a generator advances its counter by one, and restoring the state replays the draws."""
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "kio_seed_generator_state_reference.json").read_text())


class NoisyDense(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        noise = keras.random.normal((keras.ops.shape(x)[0], self.units), seed=self.seed_generator)
        return self.dense(x) + noise

    def get_config(self):
        return {**super().get_config(), "units": self.units}


MAKERS = {
    "dropout": (lambda: keras.layers.Dropout(0.5), (None, 4)),
    "dropout_rate0": (lambda: keras.layers.Dropout(0.0), (None, 4)),
    "gaussian_noise": (lambda: keras.layers.GaussianNoise(0.1), (None, 4)),
    "gaussian_dropout": (lambda: keras.layers.GaussianDropout(0.1), (None, 4)),
    "alpha_dropout": (lambda: keras.layers.AlphaDropout(0.1), (None, 4)),
    "spatial_dropout1d": (lambda: keras.layers.SpatialDropout1D(0.2), (None, 3, 4)),
    "random_flip": (lambda: keras.layers.RandomFlip(), (None, 8, 8, 3)),
    "random_rotation": (lambda: keras.layers.RandomRotation(0.1), (None, 8, 8, 3)),
    "random_zoom": (lambda: keras.layers.RandomZoom(0.1), (None, 8, 8, 3)),
    "random_contrast": (lambda: keras.layers.RandomContrast(0.1), (None, 8, 8, 3)),
    "auto_contrast": (lambda: keras.layers.AutoContrast(), (None, 8, 8, 3)),
    "simple_rnn": (lambda: keras.layers.SimpleRNN(2), (None, 3, 4)),
    "lstm": (lambda: keras.layers.LSTM(2), (None, 3, 4)),
    "gru": (lambda: keras.layers.GRU(2), (None, 3, 4)),
    "noisy_dense": (lambda: NoisyDense(3), (None, 4)),
    "multi_head_attention": (lambda: keras.layers.MultiHeadAttention(2, 4, dropout=0.1), [(None, 3, 4)] * 2),
    "group_query_attention": (lambda: keras.layers.GroupQueryAttention(4, 2, 1, dropout=0.1),
                              [(None, 3, 4)] * 2),
    "attention": (lambda: keras.layers.Attention(dropout=0.1), [[(None, 3, 4)] * 2]),
    "bidirectional_lstm": (lambda: keras.layers.Bidirectional(keras.layers.LSTM(2)), [(None, 3, 4)]),
}


def _listing(layer):
    return {
        "variables": [[v.path, str(v.detach().numpy().dtype), bool(v.trainable)] for v in layer.variables],
        "non_trainable_variables": [v.path for v in layer.non_trainable_variables],
        "trainable_variables": [v.path for v in layer.trainable_variables],
        "weights": [v.path for v in layer.weights],
        "non_trainable_weights": [v.path for v in layer.non_trainable_weights],
    }


@pytest.mark.parametrize("name", list(MAKERS))
def test_layers_list_their_seed_state_as_keras(name):
    keras.backend.clear_session()
    make, shape = MAKERS[name]
    layer = make()
    layer.build(*shape) if isinstance(shape, list) else layer.build(shape)
    assert _listing(layer) == REFERENCE["layers"][name]


def _model():
    keras.backend.clear_session()
    inputs = keras.Input((4,))
    hidden = NoisyDense(3, name="noisy")(inputs)
    hidden = keras.layers.Dropout(0.3, name="drop")(hidden)
    return keras.Model(inputs, keras.layers.Dense(2, name="head")(hidden))


def test_model_variables_and_file_hold_seed_state_as_keras(tmp_path):
    model = _model()
    expected = REFERENCE["model"]
    listing = _listing(model)
    # Keras names a model's own layers' weights by their attribute path ("noisy/dense/kernel" either way).
    assert listing == {key: expected[key] for key in listing}
    assert model.count_params() == expected["count_params"]
    model.get_layer("noisy").seed_generator.next()
    path = tmp_path / "m.keras"
    model.save(path)
    import h5py
    import zipfile
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        datasets = []
        weights.visititems(lambda n, o: datasets.append(n) if isinstance(o, h5py.Dataset) else None)
    assert not any("seed" in name for name in datasets)
    assert len(datasets) == len(expected["file_datasets"])
    loaded = keras.saving.load_model(path, custom_objects={"NoisyDense": NoisyDense})
    assert loaded.get_layer("noisy").seed_generator.state.tolist() == expected["loaded_state"]


def test_unseeded_generators_start_where_keras_does():
    keras.utils.set_random_seed(3)
    got = [keras.random.SeedGenerator().state.tolist() for _ in range(2)]
    assert got == REFERENCE["unseeded_after_set_random_seed_3"]


def test_draws_advance_the_state_as_keras_and_a_restored_state_replays_them():
    generator = keras.random.SeedGenerator(42)
    states = []
    for _ in range(3):
        keras.random.normal((2,), seed=generator)
        states.append(generator.state.tolist())
    keras.random.uniform((2,), seed=generator)
    keras.random.dropout(np.ones((4,), "float32"), 0.5, seed=generator)
    states.append(generator.state.tolist())
    assert states == REFERENCE["states_after_draws_42"]
    generator.state.assign([42, 1])
    first = torch.as_tensor(keras.random.normal((5,), seed=generator))
    generator.state.assign([42, 1])
    again = torch.as_tensor(keras.random.normal((5,), seed=generator))
    later = torch.as_tensor(keras.random.normal((5,), seed=generator))
    assert torch.equal(first, again) and not torch.equal(first, later)


class DropoutModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.head = keras.layers.Dense(2)

    def call(self, x):
        return self.head(keras.random.dropout(x, 0.5, seed=self.seed_generator))


def test_building_a_subclassed_model_draws_nothing_and_each_step_draws_once():
    keras.backend.clear_session()
    model = DropoutModel()
    model.build((None, 4))
    expected = REFERENCE["subclassed"]
    assert model.seed_generator.state.tolist() == expected["after_build"]
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 4), "float32"), np.ones((8, 2), "float32"), batch_size=4, epochs=1, verbose=0)
    assert model.seed_generator.state.tolist() == expected["after_fit_2_steps"]
    assert [v.path for v in model.variables] == expected["variables"]


def test_state_tree_holds_the_seed_state_as_keras():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4), keras.layers.Dropout(0.5)])
    model.compile("adam", "mse")
    tree = model.get_state_tree("numpy_array")["non_trainable_variables"]
    got = {outer: {inner: [str(v.dtype), list(v.shape)] for inner, v in values.items()}
           for outer, values in tree.items()}
    assert got == REFERENCE["state_tree_non_trainable"]
    model.set_state_tree({"non_trainable_variables": {"seed_generator": {"seed_generator_state": np.array([5, 7])}}})
    assert model.layers[-1].seed_generator.state.tolist() == [5, 7]


def test_stateless_call_takes_and_returns_the_seed_state():
    keras.backend.clear_session()
    layer = NoisyDense(3)
    x = np.ones((2, 4), "float32")
    layer(x)
    trainable = [v.detach().numpy() for v in layer.trainable_variables]
    non_trainable = [v.detach().numpy() for v in layer.non_trainable_variables]
    assert [v.path for v in layer.non_trainable_variables] == ["seed_generator/seed_generator_state"]
    outputs, new_state = layer.stateless_call(trainable, non_trainable, x)
    again, _ = layer.stateless_call(trainable, non_trainable, x)
    assert np.asarray(new_state[0]).tolist() == [non_trainable[0][0], non_trainable[0][1] + 1]
    np.testing.assert_array_equal(np.asarray(outputs), np.asarray(again))
    assert layer.seed_generator.state.tolist() == non_trainable[0].tolist()  # the layer's state untouched
