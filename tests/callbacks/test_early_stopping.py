import numpy as np
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import EarlyStopping


def reference_stop_epoch(values, patience, min_delta=0.0, lower_is_better=True):
    """Independent statement of the rule: stop once `patience` epochs in a row fail to beat the best
    by more than min_delta (never at epoch 0); returns the 0-based epoch at which training stops."""
    best, wait = None, 0
    for epoch, v in enumerate(values):
        better = best is None or ((v < best - min_delta) if lower_is_better else (v > best + min_delta))
        if better:
            best, wait = v, 0
            continue
        wait += 1
        if wait >= patience and epoch > 0:
            return epoch
    return None


@pytest.mark.parametrize("values,patience", [
    ([1.0, 0.9, 0.95, 0.96, 0.97, 0.5], 2),
    ([1.0, 0.9, 0.8, 0.7], 1),
    ([0.5, 0.6, 0.4, 0.45, 0.46, 0.47, 0.48], 3),
    ([1.0, 1.0, 1.0], 0),
])
def test_stops_when_patience_runs_out(model, values, patience, capsys):
    cb = EarlyStopping(monitor="val_loss", patience=patience, verbose=1)
    run = drive([cb], model, [{"val_loss": v} for v in values])
    expected = reference_stop_epoch(values, patience)
    out = capsys.readouterr().out
    if expected is None:
        assert run == len(values) and "early stopping" not in out
    else:
        assert run == expected + 1
        assert cb.stopped_epoch == expected
        assert f"Epoch {expected + 1}: early stopping" in out


def test_min_delta_counts_small_gains_as_no_improvement(model):
    values = [1.0, 0.995, 0.99, 0.985]
    cb = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.01)
    run = drive([cb], model, [{"val_loss": v} for v in values])
    assert run == reference_stop_epoch(values, 2, min_delta=0.01) + 1 == 3


def test_accuracy_is_maximised_and_both_spellings_are_found(model):
    values = [0.5, 0.7, 0.6, 0.65]
    cb = EarlyStopping(monitor="val_acc", patience=2)  # Keras 2 spelling; logs carry 'val_accuracy'
    run = drive([cb], model, [{"val_accuracy": v} for v in values])
    assert cb.best == 0.7 and run == 4 and cb.stopped_epoch == 3


def test_restore_best_weights_puts_back_the_best_epochs_weights(model, capsys):
    snapshots = []

    class Mutator(EarlyStopping.__mro__[2]):  # a plain Callback that changes the weights every epoch
        def on_epoch_end(self, epoch, logs=None):
            model.set_weights([w + 1.0 for w in model.get_weights()])
            snapshots.append(model.get_weights())

    cb = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True, verbose=1)
    drive([Mutator(), cb], model, [{"loss": v} for v in [1.0, 0.4, 0.6, 0.7, 0.8]])
    for got, want in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(got, want)
    assert "Restoring model weights from the end of the best epoch: 2." in capsys.readouterr().out


def test_baseline_must_be_beaten(model):
    values = [0.9, 0.8, 0.7, 0.6, 0.65, 0.62]
    # Improvements that do not beat the baseline do not restart the wait (Keras 3's rule), so the
    # first epoch without improvement stops the run; without a baseline it would go on.
    with_baseline = EarlyStopping(monitor="val_loss", patience=2, baseline=0.5)
    assert drive([with_baseline], model, [{"val_loss": v} for v in values]) == 5
    without = EarlyStopping(monitor="val_loss", patience=2)
    assert drive([without], model, [{"val_loss": v} for v in values]) == 6


def test_start_from_epoch_ignores_warm_up_epochs(model):
    cb = EarlyStopping(monitor="val_loss", patience=1, start_from_epoch=3)
    run = drive([cb], model, [{"val_loss": v} for v in [1.0, 2.0, 3.0, 4.0, 5.0]])
    assert run == 5  # epochs 0-2 ignored; 3 sets the best, 4 exhausts the patience
    assert cb.stopped_epoch == 4


def test_missing_monitor_warns_with_available_names(model):
    cb = EarlyStopping(monitor="val_los")
    with pytest.warns(UserWarning, match="val_los.*Available metrics are: loss,val_loss"):
        drive([cb], model, [{"loss": 1.0, "val_loss": 1.0}])


def test_unknown_mode_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode 'maximum' is unknown"):
        cb = EarlyStopping(mode="maximum")
    assert cb.mode == "auto"
