"""A standalone Keras 2.2/2.3 `.h5` file (모두의 딥러닝's `my_model.h5` is one) names its optimizer state
`Adam/iterations:0`, `m_<i>:0`, `v_<i>:0`, `vhat_<i>:0` (a (1,) placeholder without amsgrad). tf-keras 2.21
restores that file's step count (3770) and moments and drops the placeholders; the file is rebuilt here in
that layout from a tkeras model, so resuming must continue exactly where the uninterrupted model goes."""
import numpy as np
import pytest

import tkeras as keras

h5py = pytest.importorskip("h5py")

STEPS = 3


def _trained(optimizer):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_dim=4), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    for _ in range(STEPS):
        model.train_on_batch(x, y)
    return model, x, y


def _rewrite_as_keras22(path, optimizer, slot_names):
    """Replace the file's optimizer group by Keras 2.2's names and order, from the optimizer's own state."""
    arrays = [(f"{type(optimizer).__name__}/iterations:0", np.asarray(optimizer.iterations.numpy(), dtype="int64"))]
    for keras22_slot, slot in slot_names.items():
        for i, variable in enumerate(optimizer._slots.get(slot, [None] * 4)):
            value = np.zeros((1,), "float32") if variable is None else np.asarray(variable.numpy())
            arrays.append((f"{keras22_slot}_{i}:0", value))
    with h5py.File(path, "r+") as f:
        del f["optimizer_weights"]
        group = f.create_group("optimizer_weights")
        for name, value in arrays:
            group.create_dataset(name, data=value)
        group.attrs["weight_names"] = [name.encode() for name, _ in arrays]
        f.attrs["keras_version"] = b"2.3.0"


@pytest.mark.parametrize("optimizer, slot_names", [
    (lambda: keras.optimizers.Adam(0.01), {"m": "momentum", "v": "velocity", "vhat": "velocity_hat"}),
    (lambda: keras.optimizers.Adam(0.01, amsgrad=True), {"m": "momentum", "v": "velocity", "vhat": "velocity_hat"}),
    (lambda: keras.optimizers.SGD(0.01, momentum=0.9), {"moment": "momentum"}),
    (lambda: keras.optimizers.RMSprop(0.01), {"accumulator": "velocity"}),
    (lambda: keras.optimizers.Adamax(0.01), {"m": "momentum", "u": "norm"}),
])
def test_keras22_optimizer_state_resumes(tmp_path, optimizer, slot_names):
    model, x, y = _trained(optimizer())
    path = str(tmp_path / "keras22.h5")
    model.save(path)
    _rewrite_as_keras22(path, model.optimizer, slot_names)
    loaded = keras.models.load_model(path)
    assert int(loaded.optimizer.iterations.numpy()) == STEPS
    resumed = [float(loaded.train_on_batch(x, y)) for _ in range(2)]
    uninterrupted = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(resumed, uninterrupted, rtol=1e-6)
