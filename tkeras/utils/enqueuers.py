"""tf-keras 2's enqueuers: prepare batches in background workers while the model trains.

`OrderedEnqueuer(sequence)` reads a `keras.utils.Sequence` (any object with `__len__` and
`__getitem__`) batch by batch in worker threads, or processes with `use_multiprocessing=True`, and
hands the batches out in index order, epoch after epoch (optionally shuffled, calling the sequence's
`on_epoch_end` between epochs): `get()` is an endless generator. `GeneratorEnqueuer(generator)`
draws from a Python generator in worker threads (one draw at a time: a generator cannot run in two
threads at once, nor be shared between processes) and ends when the generator does.

Both keep at most `max_queue_size` batches in flight. One feeding thread submits the reads to a pool
and queues their futures in submission order, so the order of the batches never depends on which
worker finishes first. Call `stop()` when done (the consuming loop usually does, in a `finally`).
"""
import concurrent.futures
import queue
import random
import threading
import warnings

_POLL_SECONDS = 0.05  # how often blocked puts/gets look at the stop signal


class SequenceEnqueuer:
    """Base class: `start(workers, max_queue_size)`, `get()` (a generator of batches), `stop()`."""

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self.workers = 0
        self.queue = None
        self.run_thread = None
        self.stop_signal = None
        self._executor = None

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Start `workers` workers, keeping at most `max_queue_size` batches prepared ahead."""
        if int(workers) < 1:
            raise ValueError(f"{type(self).__name__}.start: workers must be >= 1, received {workers}")
        self.workers = int(workers)
        self.queue = queue.Queue(max(1, int(max_queue_size)))
        self.stop_signal = threading.Event()
        self._executor = self._make_executor(self.workers)
        self.run_thread = threading.Thread(target=self._run, name=f"{type(self).__name__}-feeder", daemon=True)
        self.run_thread.start()

    def _make_executor(self, workers):
        return concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="keras_worker")

    def stop(self, timeout=None):
        """Stop the workers and wait up to `timeout` seconds for the feeding thread to end."""
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        with self.queue.mutex:  # drop what was prepared: nobody will read it
            self.queue.queue.clear()
            self.queue.unfinished_tasks = 0
            self.queue.not_full.notify_all()
        if self.run_thread is not None:
            self.run_thread.join(timeout)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def __del__(self):
        try:
            if self.is_running():
                self.stop()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def _put(self, future):
        """Queue `future`, waiting for room; False when stopped meanwhile."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(future, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        future.cancel()
        return False

    def _next_future(self):
        """The oldest queued future, or None once stopped."""
        while self.is_running():
            try:
                return self.queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
        return None

    def _run(self):
        raise NotImplementedError

    def get(self):
        raise NotImplementedError


def _item(sequence, index):
    return sequence[index]


# In worker processes the sequence arrives once, through the pool's initializer.
_WORKER_SEQUENCE = None


def _set_worker_sequence(sequence):
    global _WORKER_SEQUENCE
    _WORKER_SEQUENCE = sequence


def _worker_item(index):
    return _WORKER_SEQUENCE[index]


class OrderedEnqueuer(SequenceEnqueuer):
    """Batches of a Sequence in index order (shuffled per epoch with `shuffle=True`), endlessly."""

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        for method in ("__len__", "__getitem__"):
            if not hasattr(sequence, method):
                raise TypeError(f"OrderedEnqueuer needs a keras.utils.Sequence (with __len__ and __getitem__); "
                                f"received {type(sequence).__name__}. Use GeneratorEnqueuer for a generator.")
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _make_executor(self, workers):
        if not self.use_multiprocessing:
            return super()._make_executor(workers)
        return concurrent.futures.ProcessPoolExecutor(workers, initializer=_set_worker_sequence,
                                                      initargs=(self.sequence,))

    def _submit(self, index):
        if self.use_multiprocessing:
            return self._executor.submit(_worker_item, index)
        return self._executor.submit(_item, self.sequence, index)

    def _run(self):
        order = list(range(len(self.sequence)))
        while not self.stop_signal.is_set():
            if self.shuffle:
                random.shuffle(order)
            for index in order:
                if not self._put(self._submit(index)):
                    return
            # The epoch's batches must all be taken before the sequence may change (on_epoch_end).
            while self.queue.unfinished_tasks and not self.stop_signal.is_set():
                self.stop_signal.wait(_POLL_SECONDS)
            if self.stop_signal.is_set():
                return
            self.sequence.on_epoch_end()
            if self.use_multiprocessing:  # the workers hold a copy: give them the updated one
                self._executor.shutdown(wait=True)
                self._executor = self._make_executor(self.workers)

    def get(self):
        """An endless generator of the sequence's batches (None batches are skipped)."""
        while True:
            future = self._next_future()
            if future is None:
                return
            try:
                batch = future.result()
            except Exception:
                self.stop()
                raise
            self.queue.task_done()
            if batch is not None:
                yield batch


class GeneratorEnqueuer(SequenceEnqueuer):
    """Values of a generator, drawn ahead by worker threads; ends when the generator ends."""

    def __init__(self, generator, use_multiprocessing=False, random_seed=None):
        if use_multiprocessing:
            warnings.warn("GeneratorEnqueuer: a generator cannot be shared between processes; drawing from it in "
                          "threads instead (use a keras.utils.Sequence with OrderedEnqueuer for processes)",
                          stacklevel=2)
        super().__init__(generator, use_multiprocessing=False)
        self.random_seed = random_seed
        self._lock = threading.Lock()
        self._exhausted = False

    def _draw(self):
        with self._lock:  # a generator refuses to run in two threads at once
            if self._exhausted:
                raise StopIteration
            try:
                return next(self.sequence)
            except StopIteration:
                self._exhausted = True
                raise

    def _run(self):
        while not self.stop_signal.is_set() and not self._exhausted:
            if not self._put(self._executor.submit(self._draw)):
                return

    def get(self):
        """The generator's values, in the order they were drawn (None values are skipped)."""
        while True:
            future = self._next_future()
            if future is None:
                return
            try:
                value = future.result()
            except StopIteration:
                self.stop()
                return
            except Exception:
                self.stop()
                raise
            self.queue.task_done()
            if value is not None:
                yield value
