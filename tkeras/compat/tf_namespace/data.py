"""`tf.data`: the Dataset pipelines tutorials build and hand to `fit`, on torch tensors.

    ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32).prefetch(tf.data.AUTOTUNE)
    model.fit(ds, epochs=5, validation_data=val_ds)

A Dataset is re-iterable: every iteration (every epoch of `fit`) runs the chain again from its source,
so `shuffle` reshuffles per epoch as in TensorFlow. Elements are structures (a tensor, tuples, dicts) of
torch tensors; text stays a NumPy string array. Chains that start from in-memory slices carry an
*index source* (the arrays plus an order of row indices) through shuffle/repeat/take/skip, so `batch`
gathers each batch with one `index_select` instead of stacking single rows. `prefetch`, `cache` to a
file and parallel `map` are accepted and run in this thread.
"""
import itertools
import math

import numpy as np
import torch

from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr, unsupported
from tkeras.ops.core import for_user

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


# -- element structures -------------------------------------------------------------------------------
def _map(fn, *structures):
    first = structures[0]
    if isinstance(first, dict):
        return {key: _map(fn, *(s[key] for s in structures)) for key in first}
    if isinstance(first, tuple):
        items = [_map(fn, *parts) for parts in zip(*structures)]
        return type(first)(*items) if hasattr(first, "_fields") else tuple(items)
    return fn(*structures)


def _leaves(structure):
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in _leaves(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in _leaves(item)]
    return [structure]


def _as_structure(value):
    """What TensorFlow treats as structure: tuples and dicts (a list returned by `map` counts as a tuple)."""
    if isinstance(value, list) and value and any(isinstance(v, (tuple, dict, list)) for v in value):
        return tuple(_as_structure(v) for v in value)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_as_structure(v) for v in value)
    if isinstance(value, dict):
        return {key: _as_structure(v) for key, v in value.items()}
    return value


def _leaf(value):
    """One component as a CPU tensor (NumPy dtypes kept; Python floats -> float32, ints -> int32, as TF)."""
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor)
    array = value if isinstance(value, np.ndarray) else np.asarray(value)
    if array.dtype.kind == "S":
        return array  # bytes (a file's contents from tf.io.read_file) stay bytes, as TensorFlow's strings are
    if array.dtype.kind in "UO":
        return array.astype(str)  # text: stays NumPy (TextVectorization and friends read it)
    if not isinstance(value, (np.ndarray, np.generic)):
        array = array.astype(np.float32) if array.dtype == np.float64 else (
            array.astype(np.int32) if array.dtype == np.int64 else array)
    if array.dtype.kind == "u" and array.dtype != np.uint8:
        array = array.astype(np.int64)
    return torch.from_numpy(np.require(array, requirements="C"))  # 0-d stays 0-d


def _gather(leaf, index):
    if isinstance(leaf, torch.Tensor):
        return leaf.index_select(0, index)
    return leaf[index.numpy()]


def _stack(*leaves):
    return torch.stack(leaves) if isinstance(leaves[0], torch.Tensor) else np.stack(leaves)


def _to_numpy(leaf):
    return leaf.detach().cpu().numpy() if isinstance(leaf, torch.Tensor) else leaf


def _buffer_shuffle(items, buffer_size, rng):
    """TensorFlow's shuffle: keep `buffer_size` items, emit a random one and refill its slot."""
    buffer = []
    for item in items:
        if len(buffer) < buffer_size:
            buffer.append(item)
            continue
        slot = int(rng.integers(len(buffer)))
        yield buffer[slot]
        buffer[slot] = item
    rng.shuffle(buffer)
    yield from buffer


def _flatten_up_to(template, value):
    """`value` (padded_shapes, padding_values) split along the element structure; None for every part."""
    if isinstance(template, dict):
        return [v for key in template for v in _flatten_up_to(template[key], None if value is None else value[key])]
    if isinstance(template, tuple):
        parts = value if value is not None else [None] * len(template)
        return [v for t, part in zip(template, parts) for v in _flatten_up_to(t, part)]
    return [value]


def _padded(leaves, shape, value):
    """Stack variable-length components, padding each to `shape` (None dims: the batch's longest)."""
    dims = [max(int(leaf.shape[d]) for leaf in leaves) for d in range(leaves[0].dim())]
    if shape is not None:
        dims = [d if s is None or s == -1 else int(s) for d, s in zip(dims, shape)]
    fill = 0 if value is None else (value.item() if hasattr(value, "item") else value)
    out = torch.full((len(leaves), *dims), fill, dtype=leaves[0].dtype)
    for i, leaf in enumerate(leaves):
        out[(i, *[slice(0, n) for n in leaf.shape])] = leaf
    return out


class Dataset:
    """A re-iterable pipeline of elements (see the module docstring)."""

    def __init__(self, iterate, cardinality, index_source=None):
        self._iterate = iterate  # () -> a fresh iterator of (raw) elements
        self._cardinality = cardinality
        self._index_source = index_source  # (arrays, () -> iterator of row indices) or None

    @classmethod
    def _of_rows(cls, arrays, order, cardinality):
        iterate = lambda: (_map(lambda leaf, i=i: leaf[i], arrays) for i in order())
        return cls(iterate, cardinality, (arrays, order))

    # -- sources ----------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        arrays = _map(_leaf, _as_structure(tensors))
        sizes = {int(leaf.shape[0]) if leaf.ndim else -1 for leaf in _leaves(arrays)}
        if -1 in sizes:
            raise ValueError("from_tensor_slices needs components with at least one dimension to slice")
        if len(sizes) > 1:
            raise ValueError(f"from_tensor_slices: all components must have the same first dimension, "
                             f"received sizes {sorted(sizes)}")
        n = sizes.pop()
        return Dataset._of_rows(arrays, lambda: iter(range(n)), n)

    @staticmethod
    def from_tensors(tensors, name=None):
        element = _map(_leaf, _as_structure(tensors))
        return Dataset(lambda: iter([element]), 1)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        if not callable(generator):
            raise TypeError("from_generator expects a callable that returns a generator (pass the function, "
                            "not generator())")
        return Dataset(lambda: (_map(_leaf, _as_structure(e)) for e in generator(*(args or ()))),
                       UNKNOWN_CARDINALITY)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The paths matching a glob pattern (or any of a list of them), shuffled unless shuffle=False."""
        import glob
        patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
        files = sorted({path for pattern in patterns for path in glob.glob(
            pattern.decode() if isinstance(pattern, bytes) else str(pattern))})
        if not files:
            raise ValueError(f"Dataset.list_files: no files matched pattern {file_pattern!r}")
        dataset = Dataset.from_tensor_slices(np.array(files))
        return dataset if shuffle is False else dataset.shuffle(len(files), seed=seed)

    @staticmethod
    def range(*args, output_type=None, name=None):
        values = range(*args)
        dtype = torch.int64 if output_type is None else output_type
        return Dataset(lambda: (torch.tensor(v, dtype=dtype) for v in values), len(values))

    @staticmethod
    def zip(*datasets, name=None):
        """`Dataset.zip((a, b))`, `Dataset.zip({"x": a, "y": b})`, or TF 2.13's `Dataset.zip(a, b)`."""
        parts = _as_structure(datasets[0] if len(datasets) == 1 else datasets)
        members = _leaves(parts)
        cards = [d._cardinality for d in members]
        known = [c for c in cards if c >= 0]
        cardinality = min(known) if known else (INFINITE_CARDINALITY if all(
            c == INFINITE_CARDINALITY for c in cards) else UNKNOWN_CARDINALITY)

        def iterate():
            for elements in zip(*(iter(d._iterate()) for d in members)):
                lookup = iter(elements)
                yield _map(lambda _: next(lookup), parts)
        return Dataset(iterate, cardinality)

    # -- transformations --------------------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        buffer_size = int(buffer_size)
        if buffer_size <= 0:
            raise ValueError(f"shuffle buffer_size must be positive, received {buffer_size}")
        persistent = np.random.default_rng(seed) if seed is not None else None

        def rng():
            if seed is None:  # follows torch's global seed (tf.random.set_seed / set_random_seed)
                return np.random.default_rng(int(torch.randint(0, 2 ** 62, ())))
            return persistent if reshuffle_each_iteration else np.random.default_rng(seed)

        if self._index_source is not None:
            arrays, parent = self._index_source
            n = self._cardinality

            def order():
                generator = rng()
                if 0 <= n <= buffer_size:  # the buffer holds everything: a uniform permutation
                    return iter(generator.permutation(list(parent())).tolist())
                return _buffer_shuffle(parent(), buffer_size, generator)
            return Dataset._of_rows(arrays, order, self._cardinality)
        return Dataset(lambda: _buffer_shuffle(self._iterate(), buffer_size, rng()), self._cardinality)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, received {batch_size}")
        if self._index_source is not None:
            arrays, order = self._index_source

            def iterate():
                for chunk in self._chunks(order(), batch_size, drop_remainder):
                    index = torch.tensor(chunk, dtype=torch.long)
                    yield _map(lambda leaf: _gather(leaf, index), arrays)
        else:
            def iterate():
                for chunk in self._chunks(self._iterate(), batch_size, drop_remainder):
                    yield _map(_stack, *chunk)
        return Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches of variable-length components, each padded to `padded_shapes` or to the batch's longest."""
        batch_size = int(batch_size)

        def iterate():
            for chunk in self._chunks(self._iterate(), batch_size, drop_remainder):
                template = chunk[0]
                shapes = iter(_flatten_up_to(template, padded_shapes))
                values = iter(_flatten_up_to(template, padding_values))
                yield _map(lambda *leaves: _padded(list(leaves), next(shapes), next(values)), *chunk)
        return Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))

    @staticmethod
    def _chunks(items, size, drop_remainder):
        iterator = iter(items)
        while True:
            chunk = list(itertools.islice(iterator, size))
            if not chunk or (drop_remainder and len(chunk) < size):
                return
            yield chunk

    def _batched_cardinality(self, batch_size, drop_remainder):
        if self._cardinality < 0:
            return self._cardinality
        return self._cardinality // batch_size if drop_remainder else math.ceil(self._cardinality / batch_size)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """A dataset of windows: each window is the element structure with a small Dataset in place of
        every component (so `flat_map(lambda w: w.batch(size))` turns windows into tensors). Windows
        start every `shift` elements and take every `stride`-th; the last ones are shorter unless
        `drop_remainder`."""
        size, stride = int(size), int(stride)
        shift = size if shift is None else int(shift)
        if min(size, shift, stride) <= 0:
            raise ValueError(f"Dataset.window: size, shift and stride must be positive, received size={size}, "
                             f"shift={shift}, stride={stride}")
        span = (size - 1) * stride + 1

        def as_window(elements):
            stacked = _map(_stack, *elements)
            n = len(elements)
            return _map(lambda leaf: Dataset._of_rows(leaf, lambda: iter(range(n)), n), stacked)

        def iterate():
            buffer, skip = [], 0
            for element in self._iterate():
                if skip:
                    skip -= 1
                    continue
                buffer.append(element)
                if len(buffer) == span:
                    yield as_window(buffer[::stride])
                    skip, buffer = max(shift - len(buffer), 0), buffer[shift:]
            while buffer and not drop_remainder:
                yield as_window(buffer[::stride][:size])
                buffer = buffer[shift:]
        return Dataset(iterate, UNKNOWN_CARDINALITY if self._cardinality != INFINITE_CARDINALITY else
                       INFINITE_CARDINALITY)

    def flat_map(self, map_func, name=None):
        """Each element mapped to a Dataset, and those datasets' elements in turn."""
        def iterate():
            for element in self._iterate():
                inner = map_func(*element) if isinstance(element, tuple) and not hasattr(element, "_fields") \
                    else map_func(element)
                if not isinstance(inner, Dataset):
                    raise TypeError(f"Dataset.flat_map: `map_func` must return a Dataset, it returned "
                                    f"{type(inner).__name__}")
                yield from inner._iterate()
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    def unbatch(self, name=None):
        def iterate():
            for element in self._iterate():
                n = int(_leaves(element)[0].shape[0])
                for i in range(n):
                    yield _map(lambda leaf, i=i: leaf[i], element)
        return Dataset(iterate, UNKNOWN_CARDINALITY if self._cardinality != INFINITE_CARDINALITY else
                       INFINITE_CARDINALITY)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        def apply(element):
            result = map_func(*element) if isinstance(element, tuple) and not hasattr(element, "_fields") \
                else map_func(element)
            return _map(_leaf, _as_structure(result))
        return Dataset(lambda: (apply(e) for e in self._iterate()), self._cardinality)

    def filter(self, predicate, name=None):
        def keep(element):
            verdict = predicate(*element) if isinstance(element, tuple) else predicate(element)
            return bool(verdict)
        return Dataset(lambda: (e for e in self._iterate() if keep(e)),
                       INFINITE_CARDINALITY if self._cardinality == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY)

    def repeat(self, count=None, name=None):
        forever = count is None or count == -1
        times = None if forever else int(count)
        cardinality = self._cardinality
        if cardinality >= 0:
            cardinality = (INFINITE_CARDINALITY if cardinality else 0) if forever else cardinality * times

        def rounds(source):
            return itertools.chain.from_iterable(source() for _ in (itertools.count() if forever else range(times)))
        if self._index_source is not None:
            arrays, order = self._index_source
            return Dataset._of_rows(arrays, lambda: rounds(order), cardinality)
        return Dataset(lambda: rounds(self._iterate), cardinality)

    def take(self, count, name=None):
        count = int(count)
        if count == -1:
            return self
        card = self._cardinality
        cardinality = count if card == INFINITE_CARDINALITY else (min(card, count) if card >= 0 else card)
        return self._sliced(lambda items: itertools.islice(items, count), cardinality)

    def skip(self, count, name=None):
        count = int(count)
        card = self._cardinality
        cardinality = max(card - count, 0) if card >= 0 else card
        return self._sliced(lambda items: itertools.islice(items, count, None), cardinality)

    def _sliced(self, cut, cardinality):
        if self._index_source is not None:
            arrays, order = self._index_source
            return Dataset._of_rows(arrays, lambda: cut(order()), cardinality)
        return Dataset(lambda: cut(self._iterate()), cardinality)

    def cache(self, filename="", name=None):
        """Elements are kept in memory after the first full pass (a filename is accepted, not written)."""
        if self._index_source is not None:
            return self
        store = {"elements": None}

        def iterate():
            if store["elements"] is not None:
                yield from store["elements"]
                return
            seen = []
            for element in self._iterate():
                seen.append(element)
                yield element
            store["elements"] = seen
        return Dataset(iterate, self._cardinality)

    def prefetch(self, buffer_size=None, name=None):
        return self  # batches are produced on demand in fit's thread; nothing to overlap on the host here

    def with_options(self, options, name=None):
        return self

    def apply(self, transformation_func):
        return transformation_func(self)

    def concatenate(self, dataset, name=None):
        card = self._cardinality
        other = dataset._cardinality
        cardinality = card + other if card >= 0 and other >= 0 else (
            INFINITE_CARDINALITY if INFINITE_CARDINALITY in (card, other) else UNKNOWN_CARDINALITY)
        return Dataset(lambda: itertools.chain(self._iterate(), dataset._iterate()), cardinality)

    def enumerate(self, start=0, name=None):
        return Dataset(lambda: ((torch.tensor(i, dtype=torch.int64), e) for i, e in enumerate(self._iterate(), start)),
                       self._cardinality)

    def reduce(self, initial_state, reduce_func, name=None):
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state

    # -- reading ------------------------------------------------------------------------------------
    def __iter__(self):
        return (for_user(element) for element in self._iterate())

    def as_numpy_iterator(self):
        return (_map(_to_numpy, element) for element in self._iterate())

    def cardinality(self):
        return for_user(torch.tensor(self._cardinality, dtype=torch.int64))

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality < 0:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<Dataset cardinality={self._cardinality}>"

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise unsupported(f"tf.data.Dataset.{name}")


class Options:
    """`tf.data.Options()`: accepted and ignored (there are no threading/optimization knobs to set)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = Options()
        object.__setattr__(self, name, value)
        return value


def _cardinality(dataset):
    return dataset.cardinality()


experimental = Namespace("tf.data.experimental", AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE_CARDINALITY,
                         UNKNOWN_CARDINALITY=UNKNOWN_CARDINALITY, cardinality=_cardinality)

__getattr__ = module_getattr("tf.data")
