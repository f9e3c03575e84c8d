"""Threads that make room for other processes: the arithmetic, the readings, and a fit beside busy loops."""
import contextlib
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from tkeras.backend import core_sharing

linux_only = pytest.mark.skipif(not os.path.exists("/proc/stat") or not hasattr(os, "sched_getaffinity"),
                                reason="reads /proc/stat")


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    core_sharing._GOVERNOR.clear()  # no readings carried over from another test
    yield
    core_sharing._GOVERNOR.clear()
    torch.set_num_threads(before)


@pytest.mark.parametrize("cpus, others, ceiling, expected", [
    (2, 0.0, 2, 2),     # quiet
    (2, 0.3, 2, 2),     # a third of a core taken: still two
    (2, 0.67, 2, 1),    # one busy process, measured while competing with two threads
    (2, 1.0, 2, 1),     # one busy process, measured beside one thread
    (2, 3.0, 2, 1),     # never fewer than one
    (16, 1.0, 8, 8),    # many cores: the loop's own count is the ceiling
    (16, 10.2, 8, 6),
])
def test_threads_for(cpus, others, ceiling, expected):
    assert core_sharing.threads_for(cpus, others, ceiling) == expected


@linux_only
def test_busy_seconds_count_this_process_spinning():
    cpus = os.sched_getaffinity(0)
    before_busy, before_own = core_sharing.busy_seconds(cpus), time.process_time()
    # spin until this process has used 0.25 s of CPU (on a loaded machine that takes longer than 0.25 s)
    give_up = time.perf_counter() + 10.0
    while time.process_time() - before_own < 0.25 and time.perf_counter() < give_up:
        pass
    spent = time.process_time() - before_own
    # at least what this process spent (other processes can only add), in clock ticks (1/100 s)
    assert core_sharing.busy_seconds(cpus) - before_busy >= spent - 0.03
    assert spent >= 0.25


class _Clock:
    """Stands in for the `time` module: the wall clock and this process' CPU time are set by hand."""

    def __init__(self):
        self.wall = 100.0
        self.own = 10.0

    def perf_counter(self):
        return self.wall

    def process_time(self):
        return self.own


@pytest.fixture
def fake_machine(monkeypatch, two_threads):
    """Two cores whose load the test sets: advance(own, others) is half a second of CPU use."""
    clock = _Clock()
    busy = [1000.0]
    monkeypatch.setattr(core_sharing, "time", clock)
    monkeypatch.setattr(core_sharing, "busy_seconds", lambda cpus: busy[0])
    monkeypatch.setattr(core_sharing.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(core_sharing, "_OPENMP", [True])

    def advance(own_cores, other_cores, seconds=core_sharing.PERIOD_S):
        clock.wall += seconds
        clock.own += own_cores * seconds
        busy[0] += (own_cores + other_cores) * seconds

    return advance


@linux_only
def test_governor_needs_two_readings_and_restores(fake_machine):
    def window(own_cores, other_cores):
        fake_machine(own_cores, other_cores)
        core_sharing.tick()
        return torch.get_num_threads()

    with core_sharing.sharing_cores():
        assert window(1.3, 0.05) == 2                     # quiet: nothing changes
        assert window(1.33, 0.67) == 2                    # one reading of a busy machine is not enough
        assert window(1.33, 0.67) == 1                    # the second one is
        assert window(1.0, 1.0) == 1                      # beside one thread the busy process takes its core
        assert window(1.0, 0.0) == 1                      # the load went away: one reading...
        assert window(1.0, 0.0) == 2                      # ...and back to the starting count
        assert window(1.33, 0.67) == 2
        assert window(1.33, 0.67) == 1
    assert torch.get_num_threads() == 2                   # the loop's end restores its starting count


@linux_only
def test_the_first_reading_acts_at_once(fake_machine):
    """A fresh start reads the load after 0.2 s and gives way on that one reading, so that a short fit
    does not run all its steps against a busy process; later changes need two readings again."""
    with core_sharing.sharing_cores():
        fake_machine(0.6, 0.4, seconds=core_sharing.FIRST_PERIOD_S / 2)
        core_sharing.tick()
        assert torch.get_num_threads() == 2               # the first window has not passed yet
        fake_machine(1.0, 1.0, seconds=core_sharing.FIRST_PERIOD_S * 0.6)
        core_sharing.tick()
        assert torch.get_num_threads() == 1               # one busy reading, at the start: given way
        fake_machine(1.0, 0.0)
        core_sharing.tick()
        assert torch.get_num_threads() == 1               # from then on, two readings to change
        fake_machine(1.0, 0.0)
        core_sharing.tick()
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == 2


@linux_only
def test_readings_carry_over_to_the_next_loop(fake_machine):
    with core_sharing.sharing_cores():
        for _ in range(2):
            fake_machine(1.33, 0.67)
            core_sharing.tick()
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    fake_machine(0.0, 1.0, seconds=0.1)
    with core_sharing.sharing_cores():                    # soon after (a loop of train_on_batch calls)
        assert torch.get_num_threads() == 1
    fake_machine(0.0, 0.0, seconds=5.0)
    with core_sharing.sharing_cores():                    # long after: starts afresh
        assert torch.get_num_threads() == 2


@linux_only
def test_unreadable_stat_stops_governing(monkeypatch, two_threads):
    clock = _Clock()
    monkeypatch.setattr(core_sharing, "time", clock)
    monkeypatch.setattr(core_sharing, "_OPENMP", [True])
    with core_sharing.sharing_cores():
        assert core_sharing.governing()
        core_sharing._IN_LOOP[0]._use(1)  # as if it had given way

        def unreadable(cpus):
            raise PermissionError("/proc/stat")

        monkeypatch.setattr(core_sharing, "busy_seconds", unreadable)
        clock.wall += core_sharing.PERIOD_S
        core_sharing.tick()  # no error reaches the loop
        assert not core_sharing.governing() and torch.get_num_threads() == 2


def test_switched_off_by_environment(monkeypatch, two_threads):
    monkeypatch.setenv("TKERAS_SHARE_CORES", "0")
    with core_sharing.sharing_cores():
        assert not core_sharing.governing()


few_cores = pytest.mark.skipif(
    not 2 <= len(os.sched_getaffinity(0)) <= 8 if hasattr(os, "sched_getaffinity") else True,
    reason="needs two cores, and few enough to fill with busy loops")


@contextlib.contextmanager
def _busy_machine():
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(len(os.sched_getaffinity(0)))]
    try:
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


def _spied_model(seen):
    import tkeras as keras

    class ThreadSpy(keras.layers.Layer):
        def call(self, x):
            seen.append(torch.get_num_threads())
            return x

    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"), ThreadSpy(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    x = np.random.default_rng(0).random((1024, 64)).astype("float32")
    return model, x, (x.sum(axis=1) > 32).astype("float32")


@linux_only
@few_cores
def test_fit_beside_busy_processes_gives_way(two_threads):
    import tkeras as keras

    seen = []
    model, x, y = _spied_model(seen)

    class StopWhenOne(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if seen[-1] == 1 or time.perf_counter() - self.start > 20 * core_sharing.PERIOD_S:
                self.model.stop_training = True

    with _busy_machine():
        model.fit(x, y, batch_size=32, epochs=1000, verbose=0, callbacks=[StopWhenOne()])
    assert seen[0] == 2 and 1 in seen
    assert torch.get_num_threads() == 2


@linux_only
@few_cores
def test_train_on_batch_loop_beside_busy_processes_gives_way(two_threads):
    seen = []
    model, x, y = _spied_model(seen)
    with _busy_machine():
        start = time.perf_counter()
        while seen[-1:] != [1] and time.perf_counter() - start < 20 * core_sharing.PERIOD_S:
            model.train_on_batch(x[:32], y[:32])
            assert torch.get_num_threads() == 2  # between calls, the user's count
    assert seen[0] == 2 and seen[-1] == 1
