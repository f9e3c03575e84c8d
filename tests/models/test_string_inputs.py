"""Raw text as a functional model's input (`Input(dtype="string")`), as Keras' structured-data tutorial
feeds a DataFrame's string columns to StringLookup inside the model."""
import numpy as np

import tkeras as keras
from tkeras import layers

VOCABULARY = ["seoul", "busan", "daegu"]


def _model():
    city = keras.Input(shape=(1,), name="city", dtype="string")
    age = keras.Input(shape=(1,), name="age")
    encoded = layers.StringLookup(vocabulary=VOCABULARY, output_mode="one_hot", name="lookup")(city)
    merged = layers.concatenate([encoded, age])
    output = layers.Dense(1, use_bias=False, name="score")(merged)
    return keras.Model({"city": city, "age": age}, output)


def _reference(model, cities, ages):
    kernel = model.get_layer("score").get_weights()[0][:, 0]
    index = [VOCABULARY.index(c) + 1 if c in VOCABULARY else 0 for c in cities.ravel()]  # 0: [UNK]
    one_hot = np.eye(len(VOCABULARY) + 1)[index]
    return np.concatenate([one_hot, ages], axis=1) @ kernel


def test_the_input_keeps_its_string_dtype():
    city = keras.Input(shape=(1,), dtype="string")
    assert city.dtype == "string"
    assert _model()._takes_strings()


def test_predict_and_eager_call_on_a_dict_with_a_string_column():
    model = _model()
    cities = np.array([["busan"], ["jeju"], ["seoul"]])
    ages = np.array([[31.0], [45.0], [60.0]], dtype="float32")
    expected = _reference(model, cities, ages)
    np.testing.assert_allclose(model.predict({"city": cities, "age": ages}, verbose=0)[:, 0], expected, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(model({"city": cities, "age": ages}))[:, 0], expected, rtol=1e-5)


def test_fit_shuffles_string_columns_with_the_numbers(tmp_path):
    rng = np.random.default_rng(0)
    cities = rng.choice(VOCABULARY, 256).reshape(-1, 1)
    ages = rng.uniform(-1, 1, (256, 1)).astype("float32")
    target = (cities[:, 0] == "seoul").astype("float32") * 2.0 + ages[:, 0]  # learnable exactly
    model = _model()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    history = model.fit({"city": cities, "age": ages}, target, epochs=40, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 1e-3
    kernel = model.get_layer("score").get_weights()[0][:, 0]
    np.testing.assert_allclose(kernel[1:], [2.0, 0.0, 0.0, 1.0], atol=0.05)  # seoul, busan, daegu, age
    path = tmp_path / "strings.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    inputs = {"city": cities[:5], "age": ages[:5]}
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), rtol=1e-6)


def test_symbolic_outputs_carry_the_dtype_the_layer_hands_out():
    city = keras.Input(shape=(3,), dtype="string")
    ids = layers.StringLookup(vocabulary=VOCABULARY)(city)
    assert ids.dtype == "int64"  # as at run time
    assert layers.StringLookup(vocabulary=VOCABULARY, invert=True)(ids).dtype == "string"
    assert layers.StringLookup(vocabulary=VOCABULARY, output_mode="one_hot")(city).dtype == "float32"
    assert layers.Hashing(8)(city).dtype == "int64"
    assert layers.Identity()(keras.Input((2,), dtype="int32")).dtype == "int32"
    assert layers.Dense(2)(keras.Input((2,))).dtype == "float32"
