"""`keras.utils.Sequence` / `PyDataset`: an indexable source of whole batches, for fit().

Keras 3 counts the batches with the `num_batches` property, which a subclass may define instead of
`__len__` (Keras 2's `Sequence` had only `__len__`; either one is enough here, each answering for the
other), and `num_batches = None` means an endless dataset: an epoch then runs for `steps_per_epoch`
batches. `workers`, `use_multiprocessing` and `max_queue_size` have their defaults also when a
subclass forgets `super().__init__()`, as Keras falls back to them.
"""


class PyDataset:
    workers = 1
    use_multiprocessing = False
    max_queue_size = 10

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError("A PyDataset must implement __getitem__(index) returning one batch")

    @property
    def num_batches(self):
        if type(self).__len__ is not PyDataset.__len__:
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__}: a PyDataset must say how many batches it holds, with a `num_batches` "
            f"property (None for an endless dataset) or with __len__()")

    def __len__(self):
        count = self.num_batches
        if count is None:
            raise TypeError(f"{type(self).__name__} is endless (num_batches is None): it has no length")
        return count

    def on_epoch_begin(self):
        """Called at the start of every epoch; override it to act then (reshuffle, ...)."""
        pass

    def on_epoch_end(self):
        pass

    def __iter__(self):
        count = self.num_batches
        index = 0
        while count is None or index < count:
            yield self[index]
            index += 1


def batch_count(dataset):
    """How many batches an indexable dataset holds: `num_batches` for a PyDataset (None when endless),
    `len()` for any other object indexed by batch."""
    if isinstance(dataset, PyDataset):
        return dataset.num_batches
    return len(dataset)


Sequence = PyDataset
