"""`tkeras.utils.plot_history(history)`: the train/validation curves the seed tutorials draw by hand."""
import numpy as np
import pytest

import tkeras as keras

plt = pytest.importorskip("matplotlib.pyplot")


def _history():
    x = np.random.rand(40, 3).astype("float32")
    y = (x.sum(1) > 1.5).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    return model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)


def test_one_figure_per_metric_with_the_numbers_of_the_history(tmp_path):
    history = _history()
    figures = keras.utils.plot_history(history, path=str(tmp_path / "curves"))
    assert sorted(p.name for p in (tmp_path / "curves").iterdir()) == ["acc.png", "loss.png"]
    assert [f.axes[0].get_title() for f in figures] == ["Training and validation loss", "Training and validation acc"]
    train, val = figures[0].axes[0].get_lines()
    np.testing.assert_allclose(train.get_ydata(), history.history["loss"])
    np.testing.assert_allclose(val.get_ydata(), history.history["val_loss"])
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    assert plt.get_fignums() == []  # saved figures are closed: a later plt.show() won't repeat them


def test_single_file_metric_choice_and_clear_errors(tmp_path):
    logs = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9]}
    figures = keras.utils.plot_history(logs, metrics="accuracy", path=str(tmp_path / "acc.png"))
    assert len(figures) == 1 and (tmp_path / "acc.png").stat().st_size > 1000
    keras.utils.plot_history(logs, path=str(tmp_path / "both.png"))
    assert (tmp_path / "both_loss.png").is_file() and (tmp_path / "both_accuracy.png").is_file()
    with pytest.raises(ValueError, match=r"no such metric\(s\) \['val_auc'\].*\['accuracy', 'loss'\]"):
        keras.utils.plot_history(logs, metrics=["val_auc"])
    with pytest.raises(ValueError, match="History returned by fit"):
        keras.utils.plot_history([1, 2, 3])
    shown = keras.utils.plot_history(logs, show=False)
    assert len(shown) == 2
    plt.close("all")
