"""The TF 1.x input iterators that TensorFlow 2 strategies still accept: `make_dataset_iterator`,
`make_input_fn_iterator` and `experimental_run(step, iterator)`.

Hands-On ML 2nd ed. (ch. 19) writes its custom distributed training loop in that style:

    input_iterator = strategy.make_dataset_iterator(dataset)
    per_replica_losses = strategy.experimental_run(step_fn, input_iterator)
    input_iterator.initialize()

TensorFlow 2.21 runs it eagerly with deprecation warnings: the iterator is usable as soon as it is made,
`initialize()` starts it over, and `experimental_run` feeds `step_fn` one `get_next()` per call. Here
the iterator reads this process's share of the distributed dataset, so each replica gets its rows.
"""
from tkeras.data._errors import tf_error


class DatasetIteratorV1:
    """An iterator over a distributed dataset that can be restarted with `initialize()`."""

    def __init__(self, distributed_dataset):
        self._dataset = distributed_dataset
        self._elements = iter(distributed_dataset)

    def initialize(self):
        """Start again from the first element; eager TensorFlow returns no initializer ops either."""
        self._elements = iter(self._dataset)
        return None

    @property
    def initializer(self):
        return self.initialize()

    def get_next(self, name=None):
        try:
            return next(self._elements)
        except StopIteration:
            raise tf_error("OutOfRangeError", "End of sequence") from None

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._elements)

    next = __next__

    @property
    def element_spec(self):
        return getattr(self._dataset, "element_spec", None)

    def __repr__(self):
        return f"<{type(self).__name__}>"


def run_with_next_input(strategy, step_fn, input_iterator):
    """`experimental_run`: one step on the next element of `input_iterator` (no argument without one)."""
    args = () if input_iterator is None else (input_iterator.get_next(),)
    return strategy.run(step_fn, args=args)
