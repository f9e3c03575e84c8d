"""Saving is atomic: a process killed (`kill -9`) at any moment of a save leaves the previous
checkpoint whole and loadable, and a failed save never replaces a good file."""
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import load_model


def _model(offset):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(3)])
    model.set_weights([np.full(w.shape, offset + i, "float32") for i, w in enumerate(model.get_weights())])
    return model


def _save_forever(path, models):
    while True:
        for model in models:
            model.save(path)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_kill_9_during_saves_leaves_a_loadable_checkpoint(tmp_path, suffix):
    path = str(tmp_path / f"checkpoint{suffix}")
    versions = [_model(0.0), _model(0.5)]
    versions[0].save(path)
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 6)
    expected = [m.predict(x, verbose=0) for m in versions]
    context = multiprocessing.get_context("fork")
    rng = random.Random(7)
    for _ in range(30):
        child = context.Process(target=_save_forever, args=(path, versions), daemon=True)
        child.start()
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        loaded = load_model(path, compile=False)
        got = loaded.predict(x, verbose=0)
        assert any(np.array_equal(got, e) for e in expected), "the checkpoint holds a mixture of saves"
    leftovers = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(leftovers) <= 30  # at most one interrupted temporary per kill, never the checkpoint itself
    assert all(n.startswith(f".checkpoint{suffix}.partial-") for n in leftovers), leftovers  # recognisable
    versions[1].save(path)  # the next save to the same target removes what the killed writers left
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []
    np.testing.assert_array_equal(load_model(path, compile=False).predict(x, verbose=0), expected[1])


def test_a_live_writers_partial_file_is_left_alone(tmp_path):
    from tkeras.saving._atomic import _host
    path = tmp_path / "m.keras"
    context = multiprocessing.get_context("fork")
    sleeper = context.Process(target=time.sleep, args=(30,), daemon=True)
    sleeper.start()
    try:
        live = tmp_path / f".m.keras.partial-{_host()}-{sleeper.pid}-abc123.tmp"
        other_host = tmp_path / ".m.keras.partial-elsewhere-1-abc123.tmp"
        other_target = tmp_path / f".n.keras.partial-{_host()}-999999999-abc123.tmp"
        for partial in (live, other_host, other_target):
            partial.write_bytes(b"half a save")
        _model(0.0).save(path)
        assert live.exists() and other_host.exists() and other_target.exists()
    finally:
        os.kill(sleeper.pid, signal.SIGKILL)
        sleeper.join()
    _model(0.0).save(path)  # its writer is gone now
    assert not live.exists() and other_host.exists()


def test_a_failing_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    good = _model(0.0)
    good.save(path)
    before = path.read_bytes()
    import tkeras.saving.weights_store as store

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(store, "write_model", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _model(1.0).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]
