"""Keras' shapes and parameter counts for the classic IMDB CNN-BiLSTM, shown by summary()."""
import pytest

import tkeras as keras

L = keras.layers


def _bilstm_model():
    return keras.Sequential([
        L.Embedding(10000, 200), L.Dropout(0.5), L.Conv1D(64, 5, activation="relu"), L.MaxPooling1D(4),
        L.Bidirectional(L.LSTM(64, return_sequences=True)), L.Dropout(0.5), L.Bidirectional(L.LSTM(32)),
        L.Dense(1, activation="sigmoid")])


@pytest.mark.skipif(not (hasattr(L, "Conv1D") and hasattr(L, "MaxPooling1D")), reason="Conv1D/MaxPooling1D not in tkeras yet")
def test_cnn_bilstm_summary_matches_keras():
    model = _bilstm_model()
    model.build((None, 100))
    rows = [(model.layer_output_shape(layer), layer.count_params()) for layer in model.layers]
    assert rows == [((None, 100, 200), 2_000_000), ((None, 100, 200), 0), ((None, 96, 64), 64_064),
                    ((None, 24, 64), 0), ((None, 24, 128), 66_048), ((None, 24, 128), 0), ((None, 64), 41_216),
                    ((None, 1), 65)]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for shape, count in [("(None, 24, 128)", "66,048"), ("(None, 64)", "41,216"), ("(None, 100, 200)", "2,000,000")]:
        assert shape in text and (count in text or count.replace(",", "") in text)


def test_recurrent_part_of_the_summary():
    """The same counts without the convolution: what the recurrent layers own."""
    model = keras.Sequential([L.Embedding(10000, 200), L.Bidirectional(L.LSTM(64, return_sequences=True)),
                              L.Bidirectional(L.LSTM(32)), L.Dense(1, activation="sigmoid")])
    model.build((None, 100))
    rows = [(model.layer_output_shape(layer), layer.count_params()) for layer in model.layers]
    assert rows == [((None, 100, 200), 2_000_000), ((None, 100, 128), 2 * 4 * (200 * 64 + 64 * 64 + 64)),
                    ((None, 64), 41_216), ((None, 1), 65)]
    lines = []
    model.summary(print_fn=lines.append)
    assert "41216" in "\n".join(lines).replace(",", "")
