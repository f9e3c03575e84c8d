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
    """{"0": count, "1": count}: the fault count `script` prints, in a fresh process without and with
    the module (the user's own MALLOC_* settings removed, one thread)."""
    faults = {}
    for setting in ("0", "1"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        env.update(TKERAS_KEEP_FREED_MEMORY=setting, PYTHONPATH=REPO, OMP_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        faults[setting] = int(done.stdout.split()[-1])
    return faults


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_a_fit_stops_faulting_in_fresh_pages():
    """Every step of this fit allocates and frees ~37 MB blocks (a batch of 1,024 x 9,000 floats, its
    dropout mask and output, their gradients): above glibc's 32 MB mmap limit, so without the module
    each step maps them afresh and faults in every page; with it, the second epoch reuses the heap."""
    script = textwrap.dedent("""
        import resource, sys
        import numpy as np
        import tkeras as keras
        x = np.random.default_rng(0).random((4096, 9000), dtype=np.float32)
        y = np.zeros((4096, 1), np.float32)
        model = keras.Sequential([keras.Input((9000,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(x, y, batch_size=1024, epochs=1, verbose=0)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        model.fit(x, y, batch_size=1024, epochs=1, verbose=0)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """)
    faults = _faults_printed_by(script)
    # 4 steps x ~4 blocks of 9,000 pages each without; a few hundred at most with.
    assert faults["0"] > 40_000
    assert faults["1"] < faults["0"] / 20


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
    faults = _faults_printed_by(script)
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
