"""tf-keras 2's OrderedEnqueuer / GeneratorEnqueuer: batches in order from worker threads (or processes),
epochs with shuffling and on_epoch_end, the end of a finite generator, errors, and stop()."""
import itertools
import threading
import time

import numpy as np
import pytest

from tkeras.utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence


class Squares(Sequence):
    """Batch i is [i*i]; slow for even i, so out-of-order workers would show."""

    def __init__(self, n=6):
        super().__init__()
        self.n, self.epochs_ended = n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        time.sleep(0.02 if index % 2 == 0 else 0.0)
        return np.array([index * index]) + 1000 * self.epochs_ended

    def on_epoch_end(self):
        self.epochs_ended += 1


def take(enqueuer, count, workers=3):
    enqueuer.start(workers=workers, max_queue_size=4)
    try:
        return [int(batch[0]) for batch in itertools.islice(enqueuer.get(), count)]
    finally:
        enqueuer.stop(timeout=5)


def test_ordered_enqueuer_keeps_index_order_across_epochs():
    sequence = Squares()
    got = take(OrderedEnqueuer(sequence), 12)
    assert got == [0, 1, 4, 9, 16, 25] + [1000, 1001, 1004, 1009, 1016, 1025]
    assert sequence.epochs_ended >= 1


def test_ordered_enqueuer_shuffles_each_epoch():
    got = take(OrderedEnqueuer(Squares(8), shuffle=True), 8)
    assert sorted(got) == [i * i for i in range(8)]


def test_ordered_enqueuer_in_worker_processes():
    got = take(OrderedEnqueuer(Squares(4), use_multiprocessing=True), 4, workers=2)
    assert got == [0, 1, 4, 9]


def test_a_failing_batch_stops_and_raises():
    class Broken(Squares):
        def __getitem__(self, index):
            if index == 2:
                raise KeyError("batch 2 is missing")
            return super().__getitem__(index)

    enqueuer = OrderedEnqueuer(Broken())
    enqueuer.start(workers=2)
    output = enqueuer.get()
    assert [int(next(output)[0]) for _ in range(2)] == [0, 1]
    with pytest.raises(KeyError, match="batch 2 is missing"):
        next(output)
    assert not enqueuer.is_running()


def test_generator_enqueuer_yields_every_value_then_ends():
    def numbers():
        yield from range(20)

    enqueuer = GeneratorEnqueuer(numbers())
    enqueuer.start(workers=4, max_queue_size=3)
    assert list(enqueuer.get()) == list(range(20))  # one draw at a time: order kept, nothing lost
    assert not enqueuer.is_running()


def test_stop_ends_the_endless_stream_promptly():
    enqueuer = OrderedEnqueuer(Squares())
    enqueuer.start(workers=2, max_queue_size=2)
    next(enqueuer.get())
    started = time.time()
    enqueuer.stop(timeout=5)
    assert time.time() - started < 2 and not enqueuer.run_thread.is_alive()
    assert not any(t.name.endswith("-feeder") and t.is_alive() for t in threading.enumerate())


def test_bad_arguments_name_the_fix():
    with pytest.raises(TypeError, match="Use GeneratorEnqueuer for a generator"):
        OrderedEnqueuer(iter([1, 2]))
    with pytest.warns(UserWarning, match="cannot be shared between processes"):
        GeneratorEnqueuer(iter([1]), use_multiprocessing=True)
    with pytest.raises(ValueError, match="workers must be >= 1, received 0"):
        OrderedEnqueuer(Squares()).start(workers=0)
