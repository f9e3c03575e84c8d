"""predict() runs larger chunks than the user's batches only where nothing can tell (predict_chunks.py)."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.training import predict_chunks


class _Counting(keras.layers.Layer):
    """Identity that counts its forward passes and the rows each one saw."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows = []

    def call(self, inputs):
        self.rows.append(int(inputs.shape[0]))
        return inputs


def _model(stateful=False):
    keras.utils.set_random_seed(0)
    counter = _Counting()
    if stateful:
        layers = [keras.Input((5, 3), batch_size=32), counter, keras.layers.SimpleRNN(4, stateful=True)]
    else:
        layers = [keras.Input((20,)), counter, keras.layers.Dense(64, activation="relu"),
                  keras.layers.Dense(3, activation="softmax")]
    model = keras.Sequential(layers)
    counter.rows.clear()  # the passes that built the model
    return model, counter


def _per_batch_reference(model, x, batch):
    """What Keras' predict computes: the model on each `batch` rows, concatenated (NumPy in, NumPy out)."""
    with torch.no_grad():
        return np.concatenate([np.asarray(model(x[i:i + batch])) for i in range(0, len(x), batch)])


def test_default_batches_run_as_chunks_with_identical_results():
    model, counter = _model()
    x = np.random.default_rng(0).standard_normal((2500, 20)).astype("float32")
    expected = _per_batch_reference(model, x, 32)
    counter.rows.clear()
    result = model.predict(x, verbose=0)  # Keras' default batch of 32: 79 batches
    np.testing.assert_array_equal(result, expected)
    chunk = predict_chunks.CHUNK_ROWS - predict_chunks.CHUNK_ROWS % 32
    full, rest = divmod(2500, chunk)
    assert chunk > 32 and full > 1
    # The first chunk, its first and last user batches alone (the check), the other whole chunks,
    # then the rows after the last whole chunk in the user's batches.
    tail = [32] * (rest // 32) + ([rest % 32] if rest % 32 else [])
    assert counter.rows == [chunk, 32, 32] + [chunk] * (full - 1) + tail


def test_a_chunk_size_that_disagrees_is_halved(monkeypatch):
    """Rows that come out differently in a 500-row chunk: the call checks 250-row chunks instead (whole
    user batches), and uses them when they agree."""
    model, counter = _model()
    x = np.random.default_rng(5).standard_normal((1000, 20)).astype("float32")
    expected = _per_batch_reference(model, x, 50)
    counter.rows.clear()
    real = predict_chunks.rows_agree
    checked = []

    def agree_below_500(chunk, alone, rows, offset=0):
        size = int(predict_chunks.tree.flatten(chunk)[0].shape[0])
        checked.append(size)
        return size < 500 and real(chunk, alone, rows, offset)

    monkeypatch.setattr(predict_chunks, "rows_agree", agree_below_500)
    np.testing.assert_array_equal(model.predict(x, batch_size=50, verbose=0), expected)
    # 500 rows and its first and last user batches alone; 250 rows and its last user batch (the first
    # is known); the three other 250-row chunks.
    assert counter.rows == [500, 50, 50, 250, 50] + [250] * 3
    assert checked == [500, 250, 250]


def test_a_callback_hearing_batches_sees_the_users_batches():
    model, counter = _model()
    x = np.random.default_rng(1).standard_normal((200, 20)).astype("float32")
    seen = []
    hook = keras.callbacks.LambdaCallback(
        on_predict_batch_end=lambda batch, logs: seen.append((batch, len(logs["outputs"]))))
    model.predict(x, batch_size=64, verbose=0, callbacks=[hook])
    assert seen == [(0, 64), (1, 64), (2, 64), (3, 8)]
    assert counter.rows == [64, 64, 64, 8]


def test_rows_that_disagree_send_the_call_back_to_the_users_batches(monkeypatch):
    """Two sizes tried (500 rows, then 250), then the user's batches; later calls remember them."""
    model, counter = _model()
    x = np.random.default_rng(2).standard_normal((600, 20)).astype("float32")
    expected = _per_batch_reference(model, x, 50)
    counter.rows.clear()
    monkeypatch.setattr(predict_chunks, "rows_agree", lambda *args: False)
    np.testing.assert_array_equal(model.predict(x, batch_size=50, verbose=0), expected)
    # 500 rows (its first and last user batches alone), 250 (its last one alone: the first is known),
    # then batch by batch.
    assert counter.rows == [500, 50, 50, 250, 50] + [50] * 12
    for untried in ([100, 50, 50], []):  # the next call tries only the size below; the one after, none
        counter.rows.clear()
        np.testing.assert_array_equal(model.predict(x, batch_size=50, verbose=0), expected)
        assert counter.rows == untried + [50] * 12


def test_few_batches_keep_the_users_batches():
    model, counter = _model()
    x = np.random.default_rng(6).standard_normal((7 * 32, 20)).astype("float32")
    model.predict(x, batch_size=32, verbose=0)
    assert counter.rows == [32] * 7


def test_stateful_layers_keep_the_users_batches():
    model, counter = _model(stateful=True)
    x = np.random.default_rng(3).standard_normal((96, 5, 3)).astype("float32")
    model.predict(x, batch_size=32, verbose=0)
    assert counter.rows == [32, 32, 32]


def test_the_progress_bar_counts_the_users_batches(capsys):
    model, _ = _model()
    x = np.random.default_rng(4).standard_normal((2100, 20)).astype("float32")
    model.predict(x, batch_size=50, verbose=1)
    out = capsys.readouterr().out
    assert "42/42" in out


@pytest.mark.parametrize("chunk, alone, agree", [
    ([torch.ones(4, 2)], [torch.ones(2, 2)], True),
    ([torch.ones(4, 2)], [torch.ones(2, 2) + 1e-7], False),
    ({"a": torch.zeros(4, 1), "b": torch.ones(4, 3)}, {"a": torch.zeros(2, 1), "b": torch.ones(2, 3)}, True),
    ([torch.ones(4, 2)], [torch.ones(2, 3)], False),
])
def test_rows_agree_is_bitwise(chunk, alone, agree):
    assert predict_chunks.rows_agree(chunk, alone, 2) is agree
