"""`iter(dataset)` as TensorFlow hands it out: an iterator object, not a bare generator.

TF 2 scripts step datasets by hand with `it = iter(ds); it.get_next()` and stop on
`tf.errors.OutOfRangeError`, while `for`/`next()` stop on StopIteration as usual. `__next__` pulls
straight from the underlying generator so `fit`'s loop over a dataset pays one extra call per batch.
"""


from tkeras.data._errors import tf_error


def _out_of_range():
    return tf_error("OutOfRangeError", "End of sequence")


class Iterator:
    """`tf.data.Iterator`: one pass over a Dataset."""

    __slots__ = ("_elements", "_dataset")

    def __init__(self, elements, dataset=None):
        self._elements = elements
        self._dataset = dataset

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._elements)

    def next(self):
        """The Python 2 spelling TensorFlow's iterators keep: `ds.as_numpy_iterator().next()` (the transfer
        learning tutorial) and `iter(ds).next()`; it ends with StopIteration, as `next(it)` does."""
        return next(self._elements)

    def get_next(self, name=None):
        try:
            return next(self._elements)
        except StopIteration:
            raise _out_of_range() from None

    def get_next_as_optional(self):
        try:
            return Optional(next(self._elements))
        except StopIteration:
            return Optional()

    @property
    def element_spec(self):
        spec = getattr(self._dataset, "element_spec", None)
        return spec

    def __repr__(self):
        return f"<{type(self).__name__}>"


class OwnedIterator(Iterator):
    """TensorFlow's class name for what `iter(dataset)` returns."""

    __slots__ = ()


class NumpyIterator(Iterator):
    """`dataset.as_numpy_iterator()`: elements as NumPy values."""

    __slots__ = ()


_EMPTY = object()


class Optional:
    """`tf.experimental.Optional`, as `get_next_as_optional` returns it: a value or nothing."""

    __slots__ = ("_value",)

    def __init__(self, value=_EMPTY):
        self._value = value

    @staticmethod
    def from_value(value):
        return Optional(value)

    @staticmethod
    def empty(element_spec=None):
        return Optional()

    def has_value(self, name=None):
        import torch
        return torch.tensor(self._value is not _EMPTY)

    def get_value(self, name=None):
        if self._value is _EMPTY:
            raise tf_error("InvalidArgumentError", "The optional does not have a value.")
        return self._value
