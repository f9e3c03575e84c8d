"""Data of unknown length (a generator, a filtered tf.data pipeline): tf-keras 2.21 and Keras 3.15 both
show 'n/Unknown' while the first epoch runs, close it as a full bar 'n/n [====]' and use n as the target of
the later epochs; evaluate and predict close the same way. Recorded under both (5 batches of 4):
'5/5 [==============================] - 0s 6ms/step - loss: 5.8958' after 'Epoch 1/3', and '5/5 - 0s - ...'
with verbose=2."""
import re

import numpy as np

import tkeras as keras


def _five_batches():
    for _ in range(5):
        yield np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _lines(capsys):
    return [line for line in re.split(r"[\r\n]", capsys.readouterr().out) if line.strip()]


def test_fit_epochs_of_unknown_length_close_as_full_bars(capsys):
    _model().fit(_EpochGenerator(), epochs=3, verbose=1)
    lines = _lines(capsys)
    assert lines[0] == "Epoch 1/3"
    bars = [line for line in lines if not line.startswith("Epoch")]
    assert len(bars) == 3
    for bar in bars:
        assert bar.startswith("5/5 [==============================] - "), bar
        assert "Unknown" not in bar


def test_verbose_2_lines_show_the_learned_count(capsys):
    _model().fit(_EpochGenerator(), epochs=2, verbose=2)
    bars = [line for line in _lines(capsys) if not line.startswith("Epoch")]
    assert [bar.split(" ")[0] for bar in bars] == ["5/5", "5/5"]


def test_evaluate_and_predict_close_as_full_bars(capsys):
    model = _model()
    model.evaluate(_five_batches(), verbose=1)
    model.predict((x for x, _ in _five_batches()), verbose=1)
    bars = _lines(capsys)
    assert len(bars) == 2
    for bar in bars:
        assert bar.startswith("5/5 [==============================] - "), bar


class _EpochGenerator:
    """A re-iterable source of five batches with no len(): each epoch gets a fresh pass, like a tf.data
    pipeline of unknown cardinality."""

    def __iter__(self):
        return _five_batches()
