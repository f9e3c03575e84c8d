import numpy as np
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import ReduceLROnPlateau


def test_message_and_float32_arithmetic_match_keras(model, capsys):
    cb = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=2, verbose=1)
    drive([cb], model, [{"val_loss": v} for v in [0.5, 0.4, 0.45, 0.46, 0.47]])
    out = capsys.readouterr().out
    # 0.001 held in float32 is 0.0010000000474974513; times 0.2 in float64:
    assert "Epoch 4: ReduceLROnPlateau reducing learning rate to 0.00020000000949949026." in out
    assert model.optimizer.learning_rate == float(np.float32(0.00020000000949949026))


def reference_schedule(values, lr, factor, patience, cooldown, min_lr, min_delta=1e-4):
    """The plateau rule written out independently; returns the learning rate after each epoch."""
    best, wait, cool, history = None, 0, 0, []
    for v in values:
        if cool > 0:
            cool -= 1
            wait = 0
        if best is None or v < best - min_delta:
            best, wait = v, 0
        elif cool == 0:
            wait += 1
            if wait >= patience and np.float32(lr) > np.float32(min_lr):
                lr = float(np.float32(max(float(np.float32(lr)) * factor, min_lr)))
                cool, wait = cooldown, 0
        history.append(float(np.float32(lr)))
    return history


@pytest.mark.parametrize("cooldown,min_lr", [(0, 0.0), (2, 0.0), (1, 2e-4)])
def test_learning_rate_follows_the_plateau_rule(model, cooldown, min_lr):
    values = [1.0, 1.0, 1.0, 1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    seen = []

    class Recorder(ReduceLROnPlateau.__mro__[2]):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(model.optimizer.learning_rate)

    cb = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=cooldown, min_lr=min_lr)
    drive([cb, Recorder()], model, [{"val_loss": v} for v in values])
    assert seen == pytest.approx(reference_schedule(values, 0.001, 0.5, 2, cooldown, min_lr), rel=1e-7)


def test_logs_learning_rate_and_rejects_factor_one(model):
    cb = ReduceLROnPlateau()
    cb.set_model(model)
    cb.on_train_begin()
    logs = {"val_loss": 1.0}
    cb.on_epoch_end(0, logs)
    assert logs["learning_rate"] == float(np.float32(0.001))
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_keras2_epsilon_is_min_delta():
    with pytest.warns(UserWarning, match="min_delta"):
        cb = ReduceLROnPlateau(epsilon=0.01)
    assert cb.min_delta == 0.01
