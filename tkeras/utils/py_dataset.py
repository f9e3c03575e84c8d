"""`keras.utils.Sequence` / `PyDataset`: an indexable source of whole batches, for fit()."""


class PyDataset:
    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError("A PyDataset must implement __getitem__(index) returning one batch")

    def __len__(self):
        raise NotImplementedError("A PyDataset must implement __len__() returning the number of batches")

    def on_epoch_begin(self):
        """Called at the start of every epoch; override it to act then (reshuffle, ...)."""
        pass

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


Sequence = PyDataset
