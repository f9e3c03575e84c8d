"""Seeded randomness as in Keras 3.15.1 (facts recorded by tests/fixtures/make_kio_seeded_randomness_reference.py
under Keras' torch backend, which tkeras follows, and its tensorflow backend where they agree): a layer made
with `seed=` draws from its own SeedGenerator stream (two layers with the same seed draw the same noise,
consecutive calls differ, the counter moves as Keras'); `keras.random.*` take an int seed (the same values
every call), a SeedGenerator (its next seed) or None; unseeded layers draw from torch's global generator,
which `keras.utils.set_random_seed`, `tf.random.set_seed` and `torch.manual_seed` reset. Values are
torch's, not Keras' bits, so the tests compare properties and counters."""
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
RECORDED = json.loads((FIXTURES / "kio_seeded_randomness_reference.json").read_text())
REFERENCE = RECORDED["torch"]

LAYERS = {
    "dropout": lambda seed: keras.layers.Dropout(0.5, seed=seed),
    "gaussian_noise": lambda seed: keras.layers.GaussianNoise(0.5, seed=seed),
    "gaussian_dropout": lambda seed: keras.layers.GaussianDropout(0.3, seed=seed),
    "alpha_dropout": lambda seed: keras.layers.AlphaDropout(0.3, seed=seed),
    "spatial_dropout1d": lambda seed: keras.layers.SpatialDropout1D(0.5, seed=seed),
}
INPUTS = {"spatial_dropout1d": (4, 3, 8)}


def _equal(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b))


def test_the_recorded_backends_agree_but_on_unseeded_dropout_counters():
    """Keras' tensorflow and torch backends differ only where torch's dropout kernel takes no seed."""
    tensorflow, torch_backend = RECORDED["tensorflow"], RECORDED["torch"]
    for name in LAYERS:
        recorded = tensorflow["layers"][name], torch_backend["layers"][name]
        differs = {key for key in recorded[0] if recorded[0][key] != recorded[1][key]}
        assert differs == ({"unseeded_counter_advance_after_3_calls"} if name == "dropout" else set())


@pytest.mark.parametrize("name", list(LAYERS))
def test_seeded_layers_draw_their_own_stream_and_count_as_keras(name):
    expected = REFERENCE["layers"][name]
    x = np.ones(INPUTS.get(name, (8, 16)), "float32")
    first, second = LAYERS[name](7), LAYERS[name](7)
    a, b = first(x, training=True), second(x, training=True)
    again = first(x, training=True)
    first(x, training=False)
    assert _equal(a, b) == expected["same_seed_same_noise"]
    assert (not _equal(a, again)) == expected["consecutive_calls_differ"]
    assert first.seed_generator.state.tolist() == expected["state_after_2_training_calls_and_1_inference"]


@pytest.mark.parametrize("name", list(LAYERS))
def test_unseeded_layers_count_as_keras_torch_backend(name):
    expected = REFERENCE["layers"][name]
    x = np.ones(INPUTS.get(name, (8, 16)), "float32")
    layer = LAYERS[name](None)
    start = layer.seed_generator.state.tolist()
    for _ in range(3):
        layer(x, training=True)
    end = layer.seed_generator.state.tolist()
    assert end[1] - start[1] == expected["unseeded_counter_advance_after_3_calls"]
    assert (end[0] == start[0]) == expected["unseeded_seed_unchanged"]


@pytest.mark.parametrize("name", list(LAYERS))
def test_seeded_draws_leave_the_global_generator_alone_and_a_restored_state_replays(name):
    x = np.ones(INPUTS.get(name, (8, 16)), "float32")
    layer = LAYERS[name](3)
    global_state = torch.get_rng_state()
    first = layer(x, training=True)
    assert torch.equal(torch.get_rng_state(), global_state)
    layer.seed_generator.state.assign([3, 0])
    assert _equal(layer(x, training=True), first)


@pytest.mark.parametrize("seed_call", ["utils", "tf", "torch"])
def test_unseeded_layers_repeat_after_each_global_seed(seed_call):
    import tkeras.compat.tf_namespace as tf
    reset = {"utils": keras.utils.set_random_seed, "tf": tf.random.set_seed, "torch": torch.manual_seed}[seed_call]
    x = np.ones((6, 10), "float32")
    runs = []
    for _ in range(2):
        reset(11)
        layers = [LAYERS["dropout"](None), LAYERS["gaussian_noise"](None)]
        runs.append([np.asarray(layer(x, training=True)) for layer in layers for _ in range(2)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0][0], runs[0][1])


@pytest.mark.parametrize("name", ["attention", "multi_head_attention", "group_query_attention"])
def test_seeded_attention_dropout_repeats_and_counts_as_keras(name):
    expected = REFERENCE["attention"][name]
    query = np.random.RandomState(0).rand(2, 5, 4).astype("float32")
    make = {"attention": lambda: keras.layers.Attention(dropout=0.5, seed=7),
            "multi_head_attention": lambda: keras.layers.MultiHeadAttention(2, 4, dropout=0.5, seed=7),
            "group_query_attention": lambda: keras.layers.GroupQueryAttention(4, 2, 1, dropout=0.5, seed=7)}[name]

    def generator_of(layer):
        return layer.seed_generator if name == "attention" else layer._dropout_layer.seed_generator

    def call(layer, **kwargs):
        return layer([query, query], **kwargs) if name == "attention" else layer(query, query, **kwargs)
    first, second = make(), make()
    call(first)
    call(second)
    second.set_weights(first.get_weights())
    a, b = call(first, training=True), call(second, training=True)
    again = call(first, training=True)
    assert torch.allclose(a, b) == expected["same_seed_same_output"]
    assert (not torch.allclose(a, again)) == expected["consecutive_calls_differ"]
    assert generator_of(first).state.tolist() == expected["state_after_2_training_calls"]


def test_seeded_causal_multi_head_attention_matches_the_explicit_mask():
    """A seeded dropout runs MHA's explicit path; `use_causal_mask` must still mask the future."""
    query = np.random.RandomState(1).rand(1, 4, 4).astype("float32")
    layer = keras.layers.MultiHeadAttention(1, 4, dropout=0.5, seed=5)
    _, scores = layer(query, query, use_causal_mask=True, return_attention_scores=True, training=True)
    assert torch.all(scores[0, 0].triu(1) == 0)
    layer._dropout_layer.seed_generator.state.assign([5, 0])
    causal = layer(query, query, use_causal_mask=True, training=True)
    layer._dropout_layer.seed_generator.state.assign([5, 0])
    explicit = layer(query, query, attention_mask=np.tril(np.ones((1, 4, 4), bool)), training=True)
    torch.testing.assert_close(causal, explicit)


@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn"])
def test_seeded_recurrent_dropout_repeats(name):
    expected = REFERENCE["rnn"][name]
    cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[name]
    x = np.ones((2, 5, 3), "float32")
    first, second = (cls(4, dropout=0.5, recurrent_dropout=0.5, seed=7) for _ in range(2))
    first.build(x.shape)
    second.build(x.shape)
    second.set_weights(first.get_weights())
    a, b = first(x, training=True), second(x, training=True)
    again = first(x, training=True)
    assert torch.allclose(a, b) == expected["same_seed_same_output"]
    assert (not torch.allclose(a, again)) == expected["consecutive_calls_differ"]
    # One count per mask: with recurrent dropout Keras' LSTM / GRU draw one mask per gate (4 / 3 each).
    assert first.cell.seed_generator.state.tolist() == expected["state_after_2_calls"]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("name", ["lstm", "gru", "gru_reset_before"])
def test_recurrent_dropout_drops_each_gate_with_its_own_mask(name):
    """Keras' per-gate layout (recurrent dropout on): gate g multiplies `x * input_mask[g]` by its kernel
    block and `h * state_mask[g]` by its recurrent block; checked against NumPy with the drawn masks."""
    cell = {"lstm": lambda: keras.layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1),
            "gru": lambda: keras.layers.GRUCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1),
            "gru_reset_before": lambda: keras.layers.GRUCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1,
                                                             reset_after=False)}[name]()
    rng = np.random.RandomState(0)
    x, h = rng.rand(2, 4).astype("float32"), rng.rand(2, 3).astype("float32")
    cell.build((2, 4))
    cell.bias.assign(rng.rand(*cell.bias.shape).astype("float32"))
    gates = 4 if name == "lstm" else 3
    cell._in_sequence = True  # the masks drawn below are the ones the step uses
    input_masks = cell.get_dropout_mask(torch.as_tensor(x)).numpy()
    state_masks = cell.get_recurrent_dropout_mask(torch.as_tensor(h)).numpy()
    states = [h, np.zeros_like(h)] if name == "lstm" else [h]
    got = cell.call(torch.as_tensor(x), [torch.as_tensor(s) for s in states], training=True)[0].detach().numpy()
    cell._in_sequence = False
    assert input_masks.shape == (gates, 2, 4) and state_masks.shape == (gates, 2, 3)
    assert len({m.tobytes() for m in input_masks}) == gates  # independent draws
    kernel, recurrent, bias = (v.detach().numpy() for v in (cell.kernel, cell.recurrent_kernel, cell.bias))
    x_parts = [(x * input_masks[g]) @ kernel[:, 3 * g:3 * g + 3] for g in range(gates)]
    h_parts = [(h * state_masks[g]) @ recurrent[:, 3 * g:3 * g + 3] for g in range(gates)]
    if name == "lstm":
        z = [xp + hp + bias[3 * g:3 * g + 3] for g, (xp, hp) in enumerate(zip(x_parts, h_parts))]
        c = _sigmoid(z[1]) * 0 + _sigmoid(z[0]) * np.tanh(z[2])
        expected = _sigmoid(z[3]) * np.tanh(c)
    elif name == "gru":
        x_b, h_b = bias[0], bias[1]
        update = _sigmoid(x_parts[0] + x_b[:3] + h_parts[0] + h_b[:3])
        reset = _sigmoid(x_parts[1] + x_b[3:6] + h_parts[1] + h_b[3:6])
        candidate = np.tanh(x_parts[2] + x_b[6:] + reset * (h_parts[2] + h_b[6:]))
        expected = update * h + (1 - update) * candidate
    else:
        update = _sigmoid(x_parts[0] + bias[:3] + h_parts[0])
        reset = _sigmoid(x_parts[1] + bias[3:6] + h_parts[1])
        candidate = np.tanh(x_parts[2] + bias[6:] + (reset * h * state_masks[2]) @ recurrent[:, 6:])
        expected = update * h + (1 - update) * candidate
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn"])
def test_dropout_alone_keeps_one_mask_for_every_gate(name):
    """Without recurrent dropout Keras keeps its fused layout: one input mask (one count) per call."""
    cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[name]
    layer = cls(4, dropout=0.5, seed=7)
    layer(np.ones((2, 5, 3), "float32"), training=True)
    assert layer.cell.seed_generator.state.tolist() == REFERENCE["rnn"][name]["dropout_only_state_after_1_call"]


def test_fit_and_predict_count_as_keras():
    expected = REFERENCE["fit"]
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dropout(0.5, seed=7),
                              keras.layers.GaussianNoise(0.1, seed=11), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((12, 4), "float32"), np.ones((12, 1), "float32"), batch_size=4, epochs=2, verbose=0)
    model.predict(np.ones((4, 4), "float32"), verbose=0)
    assert model.layers[1].seed_generator.state.tolist() == expected["dropout_state_after_6_steps_and_predict"]
    assert model.layers[2].seed_generator.state.tolist() == expected["noise_state_after_6_steps_and_predict"]


def test_two_seeded_models_train_alike():
    def trained(global_seed):
        keras.utils.set_random_seed(4)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dropout(0.5, seed=7),
                                  keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        torch.manual_seed(global_seed)  # the seeded dropout must not depend on the global generator
        model.fit(np.random.RandomState(0).rand(16, 4).astype("float32"), np.ones((16, 1), "float32"),
                  batch_size=4, epochs=1, verbose=0, shuffle=False)
        return model.get_weights()
    for a, b in zip(trained(123), trained(456)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("op", ["normal", "uniform", "truncated_normal"])
def test_random_ops_seed_semantics_as_keras(op):
    expected = REFERENCE["random_ops"][op]
    fn = getattr(keras.random, op)
    assert _equal(fn((6,), seed=42), fn((6,), seed=42)) == expected["int_seed_repeats"]
    assert (not _equal(fn((6,), seed=42), fn((6,), seed=43))) == expected["different_int_seeds_differ"]
    generator = keras.random.SeedGenerator(42)
    first, second = fn((6,), seed=generator), fn((6,), seed=generator)
    assert (not _equal(first, second)) == expected["generator_calls_differ"]
    assert _equal(first, fn((6,), seed=keras.random.SeedGenerator(42))) == \
        expected["fresh_generator_same_seed_repeats_first_draw"]
    assert generator.state.tolist() == expected["generator_state_after_2"]
    assert _equal(fn((6,), seed=42), first) == expected["int_seed_draws_the_generator_first_draw"]
    assert (not _equal(fn((6,)), fn((6,)))) == expected["unseeded_calls_differ"]


def test_random_dropout_seed_semantics_as_keras():
    expected = REFERENCE["random_ops"]["dropout"]
    x = np.ones((1000,), "float32")
    generator = keras.random.SeedGenerator(5)
    first, second = keras.random.dropout(x, 0.5, seed=generator), keras.random.dropout(x, 0.5, seed=generator)
    assert (not _equal(first, second)) == expected["generator_calls_differ"]
    assert generator.state.tolist() == expected["generator_state_after_2"]
    assert _equal(keras.random.dropout(x, 0.5, seed=3), keras.random.dropout(x, 0.5, seed=3)) == \
        expected["int_seed_repeats"]


def test_random_ops_refuse_other_seeds():
    with pytest.raises(ValueError, match="seed"):
        keras.random.normal((2,), seed="7")


def test_set_random_seed_as_keras():
    expected = REFERENCE["set_random_seed"]
    before = keras.random.SeedGenerator()
    before_state = before.state.tolist()
    keras.utils.set_random_seed(3)
    after_a = keras.random.SeedGenerator().state.tolist()
    unseeded_a = keras.random.normal((5,))
    noise_a = keras.layers.GaussianNoise(1.0)(np.zeros((5,), "float32"), training=True)
    keras.utils.set_random_seed(3)
    after_b = keras.random.SeedGenerator().state.tolist()
    unseeded_b = keras.random.normal((5,))
    noise_b = keras.layers.GaussianNoise(1.0)(np.zeros((5,), "float32"), training=True)
    assert (before.state.tolist() == before_state) == expected["generator_made_before_keeps_its_state"]
    assert (after_a == after_b) == expected["generators_made_after_repeat"]
    assert _equal(unseeded_a, unseeded_b) == expected["unseeded_random_normal_repeats"]
    assert _equal(noise_a, noise_b) == expected["unseeded_layer_noise_repeats"]


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("noise_shape", [None, (None, None, 1)])
def test_seeded_dropout_drops_the_rate(rate, noise_shape):
    layer = keras.layers.Dropout(rate, noise_shape=noise_shape, seed=9)
    x = torch.ones(1000, 400, 2)
    out = layer(x, training=True)
    kept = (out != 0).float()
    assert abs(kept.mean().item() - (1 - rate)) < 0.005  # 400,000 draws: ~6 standard deviations
    torch.testing.assert_close(out[out != 0], torch.full_like(out[out != 0], 1 / (1 - rate)))
    if noise_shape is not None:
        assert torch.equal(kept, kept[..., :1].expand_as(kept))


@pytest.mark.parametrize("make, std", [(lambda: keras.layers.GaussianNoise(0.5, seed=2), 0.5),  # 1 + N(0, 0.5^2)
                                       (lambda: keras.layers.GaussianDropout(0.5, seed=2), 1.0)])  # N(1, 1)
def test_seeded_noise_has_the_layer_statistics(make, std):
    out = make()(torch.ones(500, 400), training=True)
    assert abs(out.mean().item() - 1.0) < 0.01
    assert abs(out.std().item() - std) < 0.02


def test_saved_model_reloads_a_fresh_seed_stream_as_keras(tmp_path):
    expected = REFERENCE["saving"]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5, seed=7, name="drop"),
                              keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert model.get_layer("drop").seed_generator.state.tolist() == expected["state_before_save"]
    model.save(tmp_path / "seeded.keras")
    loaded = keras.saving.load_model(tmp_path / "seeded.keras")
    assert loaded.get_layer("drop").seed_generator.state.tolist() == expected["state_after_load"]
    assert loaded.get_layer("drop").get_config()["seed"] == expected["config_seed"]
    x = np.ones((3, 4), "float32")
    fresh = keras.layers.Dropout(0.5, seed=7)
    assert _equal(loaded.get_layer("drop")(x, training=True), fresh(x, training=True))


def test_stateless_call_of_a_seeded_dropout_returns_the_advanced_state():
    layer = keras.layers.Dropout(0.5, seed=7)
    x = np.ones((4, 8), "float32")
    layer.build(x.shape)
    state = [v.detach().numpy() for v in layer.non_trainable_variables]
    out, new_state = layer.stateless_call([], state, x, training=True)
    again, _ = layer.stateless_call([], state, x, training=True)
    assert np.asarray(new_state[0]).tolist() == [7, 1]
    assert _equal(out, again)
    assert layer.seed_generator.state.tolist() == [7, 0]
    assert _equal(out, layer(x, training=True))


IMAGE_LAYERS = {
    "random_rotation": lambda: keras.layers.RandomRotation(0.1, seed=7),
    "random_zoom": lambda: keras.layers.RandomZoom(0.1, seed=7),
    "random_zoom_both_axes": lambda: keras.layers.RandomZoom(0.1, 0.2, seed=7),
    "random_contrast": lambda: keras.layers.RandomContrast(0.1, seed=7),
    "random_translation": lambda: keras.layers.RandomTranslation(0.1, 0.1, seed=7),
    "random_crop": lambda: keras.layers.RandomCrop(6, 6, seed=7),
    "random_brightness": lambda: keras.layers.RandomBrightness(0.1, seed=7),
    "random_hue": lambda: keras.layers.RandomHue(0.1, seed=7),
    "random_shear": lambda: keras.layers.RandomShear(0.1, 0.1, seed=7),
    "random_erasing": lambda: keras.layers.RandomErasing(seed=7),
    "random_perspective": lambda: keras.layers.RandomPerspective(seed=7),
    "random_gaussian_blur": lambda: keras.layers.RandomGaussianBlur(seed=7),
    "random_elastic_transform": lambda: keras.layers.RandomElasticTransform(seed=7),
    "solarization": lambda: keras.layers.Solarization(0.5, 0.5, seed=7),
}


@pytest.mark.parametrize("name", list(IMAGE_LAYERS))
def test_seeded_image_layers_draw_through_their_seed_generator_as_keras(name):
    """Each draw takes the next seed (Keras' per-call counts; RandomElasticTransform's count differs
    between Keras' backends, either is Keras'); a restored state replays the augmentation."""
    images = np.random.RandomState(0).rand(2, 8, 8, 3).astype("float32") * 255
    first, second = IMAGE_LAYERS[name](), IMAGE_LAYERS[name]()
    a, b = first(images, training=True), second(images, training=True)
    assert np.allclose(np.asarray(a), np.asarray(b)) == REFERENCE["image"][name]["same_seed_same_output"]
    state = first._keras_seed_generator.state.tolist()
    assert state in [RECORDED[backend]["image"][name]["state_after_1_call"] for backend in ("torch", "tensorflow")]
    first._keras_seed_generator.state.assign([7, 0])
    np.testing.assert_array_equal(np.asarray(first(images, training=True)), np.asarray(a))
