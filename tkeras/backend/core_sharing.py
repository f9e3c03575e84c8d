"""Intra-op threads that make room when other processes want the cores.

torch gives every operation as many OpenMP threads as there are cores, and those threads spin at the
end of each parallel region until the last one arrives. On a machine that another process also uses,
one of them is regularly descheduled and every operation waits for it: beside one busy process on two
cores, an MNIST MLP epoch took 30 s instead of 1.1 s, where losing one core of two should cost 2x at
most. With no more threads than there are free cores, nothing waits for a descheduled thread (1.7 to
3.4 s in the same test).

So while a loop runs (fit, evaluate, predict, and each train_on_batch-style call), `tick()` is called
once per step, and about twice a second it reads how much CPU time the rest of the machine took on
the cores this process may use (/proc/stat, less this process' own time) and sets the thread count to
the cores left over: never above the count the loop started with, never below one, changed only when
two readings in a row agree, except for the first reading of a fresh start, taken after 0.2 s and
acted on at once (a short fit beside a busy process would otherwise run its whole first second, or
all of it, against the load: a 0.1 s IMDB epoch took 4.4x its quiet time). The readings carry over
from one loop to the next (a loop of `train_on_batch` calls, or `predict` after `fit`, starts where
the last one left off, if that was recent). On a quiet machine nothing changes; at the end of each
loop the starting count comes back.
Linux only (elsewhere, or with TKERAS_SHARE_CORES=0, or where torch's threads are not OpenMP's, this
does nothing). Results can differ in the last bits between thread counts, as they do in torch.
"""
import contextlib
import os
import threading
import time

import torch

PERIOD_S = 0.5  # seconds between readings of the machine's load
FIRST_PERIOD_S = 0.2  # the first reading's window when nothing is known yet
_IN_LOOP = []  # [_Governor] while a loop shares the cores (the outermost loop's)
_GOVERNOR = []  # [_Governor] made by the first loop, kept for the next ones
_OPENMP = []  # [bool] once asked


@contextlib.contextmanager
def sharing_cores():
    """Share the cores for the duration of a loop; nested loops join the outer one."""
    if _IN_LOOP or not _available():
        yield
        return
    try:
        governor = _governor()
        governor.begin(torch.get_num_threads(), time.perf_counter())
    except (OSError, ValueError):
        yield
        return
    _IN_LOOP.append(governor)
    try:
        yield
    finally:
        _IN_LOOP.clear()
        governor.restore()


def tick():
    """Called once per step; reads the load only when a period has passed (~0.2 us otherwise)."""
    if _IN_LOOP:
        governor = _IN_LOOP[0]
        now = time.perf_counter()
        if now >= governor.next_reading and threading.get_ident() == governor.thread:
            try:
                governor.read(now)
            except (OSError, ValueError):  # /proc/stat became unreadable or odd: stop governing
                _IN_LOOP.clear()
                _GOVERNOR.clear()
                governor.restore()


def governing():
    """Whether a loop is sharing the cores now."""
    return bool(_IN_LOOP)


@contextlib.contextmanager
def one_thread():
    """A block (the per-step loops of tkeras' CPU recurrences) on one intra-op thread. A (batch, units)
    step is too small for two threads to help (5.2 vs 5.7 us an addmm_ on 2 cores), and each
    multi-threaded call waits for a second thread: beside one busy process, a SimpleRNN training step
    took 720 ms instead of 7 ms with two."""
    threads = torch.get_num_threads()
    if threads == 1 or not resizable_threads():
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def resizable_threads():
    """Whether torch's intra-op threads are OpenMP's: torch's native thread pool (builds without
    OpenMP) refuses, with a warning, to be resized once used."""
    if not _OPENMP:
        _OPENMP.append("parallel backend: OpenMP" in torch.__config__.parallel_info())
    return _OPENMP[0]


def _available():
    if os.environ.get("TKERAS_SHARE_CORES", "1") == "0" or not os.path.exists("/proc/stat"):
        return False
    if not hasattr(os, "sched_getaffinity") or torch.get_num_threads() < 2:
        return False
    return resizable_threads()


def _governor():
    if not _GOVERNOR:
        _GOVERNOR.append(_Governor())
    return _GOVERNOR[0]


def busy_seconds(cpus):
    """CPU seconds spent on `cpus` (any process) since boot: user, nice, system, irq, softirq, steal."""
    total = 0
    with open("/proc/stat", "rb") as stat:
        for line in stat:
            if not line.startswith(b"cpu"):
                break
            name, *fields = line.split()
            if name == b"cpu" or int(name[3:]) not in cpus:
                continue
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
            total += user + nice + system + irq + softirq + steal
    return total / _TICKS_PER_S


def threads_for(cpus, others, ceiling):
    """Threads to use when the other processes took `others` cores' worth of time: the cores left,
    rounded to the nearest whole one (a process using a third of a core leaves the core usable)."""
    return max(1, min(ceiling, int(cpus - others + 0.5)))


class _Governor:
    def __init__(self):
        self.cpus = None
        self.ceiling = self.current = None
        self.left = None  # cores the last agreed readings left over (None: not known)
        self.pending = None
        self.wall = -float("inf")

    def begin(self, ceiling, now):
        self.thread = threading.get_ident()
        self.ceiling = self.current = ceiling
        if now - self.wall > 2 * PERIOD_S:  # no recent reading: start afresh
            self.cpus = os.sched_getaffinity(0)
            self.left = self.pending = None
            self._mark(now, FIRST_PERIOD_S)
        elif self.left is not None:
            self._use(min(self.left, ceiling))

    def _mark(self, now, period=PERIOD_S):
        self.wall, self.busy, self.own = now, busy_seconds(self.cpus), time.process_time()
        self.next_reading = now + period

    def _use(self, threads):
        if threads != self.current:
            torch.set_num_threads(threads)
            self.current = threads

    def read(self, now):
        wall, busy, own = self.wall, self.busy, self.own
        self._mark(now)
        others = max(0.0, (self.busy - busy) - (self.own - own)) / (now - wall)
        left = threads_for(len(self.cpus), others, len(self.cpus))
        if self.left is None:  # the first reading: acted on at once
            self.left, self.pending = left, None
        elif left == self.left:
            self.pending = None
        elif left == self.pending:  # two readings in a row
            self.left, self.pending = left, None
        else:
            self.pending = left
        if self.left is not None:
            self._use(min(self.left, self.ceiling))

    def restore(self):
        # A count the user set during the loop (a callback calling torch.set_num_threads) stays.
        if self.current != self.ceiling and torch.get_num_threads() == self.current:
            torch.set_num_threads(self.ceiling)
        self.current = self.ceiling


_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
