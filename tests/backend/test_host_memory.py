"""Freed memory kept for the next step (backend/host_memory.py): page faults of a real fit with and
without it, in fresh processes, and the loop bookkeeping on a recording stand-in for glibc."""
import os
import subprocess
import sys
import textwrap

import pytest

from tkeras.backend import host_memory

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _glibc():
    try:
        import ctypes
        ctypes.CDLL(None).gnu_get_libc_version  # noqa: B018
        return sys.platform.startswith("linux")
    except (OSError, AttributeError):
        return False


def _faults_printed_by(script):
    """{"0": counts, "1": counts}: the fault counts `script` prints on its last line, in a fresh process
    without and with the module (the user's own MALLOC_* settings removed, one thread)."""
    faults = {}
    for setting in ("0", "1"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        env.update(TKERAS_KEEP_FREED_MEMORY=setting, PYTHONPATH=REPO, OMP_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        faults[setting] = [int(count) for count in done.stdout.splitlines()[-1].split()]
    return faults


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_a_fit_stops_faulting_in_fresh_pages():
    """Every step of this fit allocates and frees ~37 MB blocks (a batch of 1,024 x 9,000 floats, its
    dropout mask and output, their gradients): above glibc's 32 MB mmap limit, so without the module
    each step maps them afresh and faults in every page; with it, steps reuse the heap.

    Counted per step, in a second fit after a warm-up fit: with the module the heap may still grow
    once, by one block, at a step whose place in the run varies from process to process (the order
    in which blocks come free decides where a hole fits), so one step is allowed that growth."""
    script = textwrap.dedent("""
        import resource
        import numpy as np
        import tkeras as keras
        def faults():
            return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        class PerStep(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                self.start = faults()
            def on_train_batch_end(self, batch, logs=None):
                counts.append(faults() - self.start)
        x = np.random.default_rng(0).random((4096, 9000), dtype=np.float32)
        y = np.zeros((4096, 1), np.float32)
        model = keras.Sequential([keras.Input((9000,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(1e-6), "mse")
        model.fit(x, y, batch_size=1024, epochs=1, verbose=0)
        counts = []
        model.fit(x, y, batch_size=1024, epochs=2, verbose=0, callbacks=[PerStep()])
        print(" ".join(map(str, counts)))
    """)
    steps = _faults_printed_by(script)
    assert len(steps["0"]) == len(steps["1"]) == 8
    # Without: ~4 blocks of ~9,000 pages at every step (measured ~27,000).
    assert min(steps["0"]) > 9_000, steps
    # With: a handful of pages a step (measured 0-2), and at most one step that grows the heap.
    assert sorted(steps["1"])[-2] < 200, steps
    assert max(steps["1"]) < 10_000, steps

@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_a_custom_training_loop_keeps_its_freed_memory_too():
    """GradientTape + apply_gradients (no fit loop): the optimizer's first update makes the settings,
    and later steps stop faulting in fresh pages (~8 MB gradient and activation blocks, below the
    32 MB mmap limit, that glibc's default trimming kept handing back)."""
    script = textwrap.dedent("""
        import resource
        import numpy as np, torch
        import tkeras as keras
        x = torch.from_numpy(np.random.default_rng(0).random((1024, 2000), dtype=np.float32))
        model = keras.Sequential([keras.Input((2000,)), keras.layers.Dense(1000, activation="relu"),
                                  keras.layers.Dense(1000, activation="relu"), keras.layers.Dense(1)])
        optimizer = keras.optimizers.SGD(0.01)
        faults = []
        for step in range(30):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            with keras.GradientTape() as tape:
                loss = (model(x, training=True) ** 2).mean()
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        print(sum(faults[5:]))
    """)
    faults = {setting: counts[0] for setting, counts in _faults_printed_by(script).items()}
    assert faults["0"] > 4_000
    assert faults["1"] < faults["0"] / 4  # measured 25,000-33,000 against ~3,000


class _RecordingLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1


def test_loops_turn_mmap_off_once_and_back_on(monkeypatch):
    libc = _RecordingLibc()
    monkeypatch.setitem(host_memory._STATE, "libc", libc)
    monkeypatch.setitem(host_memory._STATE, "depth", 0)
    with host_memory.keeping_freed_memory():
        with host_memory.keeping_freed_memory():  # evaluate inside fit, predict inside a callback
            assert libc.calls == [(host_memory.M_MMAP_MAX, 0)]
        assert libc.calls == [(host_memory.M_MMAP_MAX, 0)]
    assert libc.calls == [(host_memory.M_MMAP_MAX, 0), (host_memory.M_MMAP_MAX, host_memory.DEFAULT_MMAP_MAX)]
    with pytest.raises(RuntimeError):
        with host_memory.keeping_freed_memory():
            raise RuntimeError("a failing step")
    assert libc.calls[-1] == (host_memory.M_MMAP_MAX, host_memory.DEFAULT_MMAP_MAX)
    assert host_memory._STATE["depth"] == 0


def test_nothing_happens_where_glibc_was_not_found(monkeypatch):
    monkeypatch.setitem(host_memory._STATE, "libc", False)
    with host_memory.keeping_freed_memory():
        assert host_memory._STATE["depth"] == 0


@pytest.mark.parametrize("environ, wanted", [
    ({}, True),
    ({"TKERAS_KEEP_FREED_MEMORY": "0"}, False),
    ({"TKERAS_KEEP_FREED_MEMORY": "off"}, False),
    ({"TKERAS_KEEP_FREED_MEMORY": "1"}, True),
    ({"MALLOC_TRIM_THRESHOLD_": "100000"}, False),  # the user's own glibc settings win
    ({"MALLOC_ARENA_MAX": "2"}, False),
    ({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}, False),
    ({"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2"}, True),
    ({"LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"}, False),
    ({"LD_PRELOAD": "/opt/lib/libtcmalloc_minimal.so"}, False),
    ({"LD_PRELOAD": "/opt/lib/libfaketime.so"}, True),
])
def test_the_users_own_allocator_settings_win(environ, wanted):
    assert host_memory.wanted(environ) is wanted
