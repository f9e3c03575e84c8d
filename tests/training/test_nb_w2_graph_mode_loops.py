"""After `tf.compat.v1.disable_eager_execution()` (*시작하세요! 텐서플로 2.0 프로그래밍* ch. 10 turns it off
so that predict, called once per game step, runs fast), tf-keras 2's graph loops print differently: fit
announces "Train on N samples" and counts samples, evaluate and predict print nothing. The layouts are
recorded from tf-keras 2.21 by tests/fixtures/make_nb_w2_graph_mode_loops_reference.py."""
import json
import os
import re

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_w2_graph_mode_loops.json")


def _masked_lines(text):
    lines = []
    for line in re.split(r"[\r\n]", text):
        if not line.strip():
            continue
        line = re.sub(r"\d+(\.\d+)?(us|ms|s)/(sample|step|epoch)", r"#/\3", line)
        line = re.sub(r" - \d+s", " - #s", line)
        line = re.sub(r"(: )\d+\.\d+(e[-+]\d+)?", r"\1#", line)
        lines.append(line)
    return [line for line in lines if "ETA:" not in line]


@pytest.fixture
def graph_mode():
    tf.compat.v1.disable_eager_execution()
    try:
        yield
    finally:
        tf.compat.v1.enable_eager_execution()


def _model_and_data():
    rng = np.random.default_rng(0)
    x = rng.random((40, 2)).astype("float32")
    y = rng.integers(0, 3, (40, 1))
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,), activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_loops_print_as_tf_keras_graph_loops(graph_mode, capsys):
    with open(REFERENCE) as f:
        expected = json.load(f)
    model, x, y = _model_and_data()
    calls = {
        "fit_validation_split": lambda: model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25),
        "fit_verbose_2": lambda: model.fit(x, y, epochs=1, batch_size=16, verbose=2),
        "evaluate": lambda: model.evaluate(x, y),
        "predict": lambda: model.predict(x),
        "predict_verbose_1": lambda: model.predict(x, verbose=1),
    }
    for name, call in calls.items():
        capsys.readouterr()
        call()
        assert _masked_lines(capsys.readouterr().out) == expected[name], name


def test_fit_on_a_dataset_announces_steps(graph_mode, capsys):
    with open(REFERENCE) as f:
        expected = json.load(f)["fit_dataset_first_line"]
    model, x, y = _model_and_data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    model.fit(dataset, epochs=1, validation_data=dataset)
    assert _masked_lines(capsys.readouterr().out)[0] == expected


def test_history_params_carry_samples(graph_mode, capsys):
    model, x, y = _model_and_data()
    history = model.fit(x, y, epochs=1, batch_size=16, validation_split=0.25)
    assert history.params["samples"] == 30 and history.params["batch_size"] == 16


def test_enable_eager_execution_restores_step_bars(capsys):
    tf.compat.v1.disable_eager_execution()
    tf.compat.v1.enable_eager_execution()
    model, x, y = _model_and_data()
    model.fit(x, y, epochs=1, batch_size=16)
    model.predict(x)
    out = capsys.readouterr().out
    assert "Train on" not in out and "/sample" not in out
    assert "3/3 [" in out and "1/2 [" not in out and "2/2 [" in out


def test_a_users_samples_bar_in_an_eager_fit_counts_steps(capsys):
    """tf-keras 2's ProgbarLogger defaults to count_mode='samples'; in an eager fit (no `samples` param)
    the bar still draws, over the steps."""
    model, x, y = _model_and_data()
    model.fit(x, y, epochs=1, batch_size=16, callbacks=[keras.callbacks.ProgbarLogger(count_mode="samples")])
    out = capsys.readouterr().out
    assert "3/3 [" in out and "/sample" not in out
