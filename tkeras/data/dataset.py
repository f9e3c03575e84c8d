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
import os

import numpy as np
import torch

from tkeras.data._structure import (
    as_structure, buffer_shuffle, flatten_up_to, gather_rows, leaves, map_structure, padded, shuffle_generators,
    stack_leaves, to_leaf, to_numpy,
)
from tkeras.data.dataset_names import dataset_text, label_transformations
from tkeras.data.generator_dtypes import cast_element, declared_dtypes
from tkeras.data.iterator import NumpyIterator, OwnedIterator
from tkeras.data.method_docs import attach_summaries
from tkeras.data.options import Options  # noqa: F401 - tf.data.Options
from tkeras.data.ragged_rows import is_ragged, ragged_rows
from tkeras.data.text_face import text_face
from tkeras.data.transformations_more import MoreTransformations, skipping_errors
from tkeras.data.user_function_call import call_on_element
from tkeras.ops.core import for_user

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Dataset(MoreTransformations):
    """A re-iterable pipeline of elements (see the module docstring)."""

    def __init__(self, iterate, cardinality, index_source=None):
        self._iterate = iterate  # () -> a fresh iterator of (raw) elements
        self._cardinality = cardinality
        self._index_source = index_source  # (arrays, () -> iterator of row indices) or None

    def _same_batching(self, derived):
        """`derived` (this pipeline's elements reordered, repeated, cut or mapped) with a batch dimension
        that TensorFlow's static shapes leave None when this one has it: `batch(...).map(...).prefetch(...)`
        still reports element_spec (None, ...)."""
        if getattr(self, "_open_batch", False):
            derived._open_batch = True
        return derived

    @classmethod
    def _of_rows(cls, arrays, order, cardinality):
        iterate = lambda: (map_structure(lambda leaf, i=i: leaf[i], arrays) for i in order())
        return cls(iterate, cardinality, (arrays, order))

    # -- sources ----------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        structure = as_structure(tensors)
        if any(is_ragged(leaf) for leaf in leaves(structure)):
            return Dataset(*ragged_rows(structure))
        arrays = map_structure(to_leaf, structure)
        sizes = {int(leaf.shape[0]) if leaf.ndim else -1 for leaf in leaves(arrays)}
        if -1 in sizes:
            raise ValueError("from_tensor_slices needs components with at least one dimension to slice")
        if len(sizes) > 1:
            raise ValueError(f"from_tensor_slices: all components must have the same first dimension, "
                             f"received sizes {sorted(sizes)}")
        n = sizes.pop()
        return Dataset._of_rows(arrays, lambda: iter(range(n)), n)

    @staticmethod
    def from_tensors(tensors, name=None):
        element = map_structure(to_leaf, as_structure(tensors))
        return Dataset(lambda: iter([element]), 1)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        if not callable(generator):
            raise TypeError("from_generator expects a callable that returns a generator (pass the function, "
                            "not generator())")
        dtypes = declared_dtypes(output_types, output_signature)
        return Dataset(lambda: (cast_element(map_structure(to_leaf, as_structure(e)), dtypes)
                                for e in generator(*(args or ()))), UNKNOWN_CARDINALITY)

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
        parts = as_structure(datasets[0] if len(datasets) == 1 else datasets)
        members = leaves(parts)
        cards = [d._cardinality for d in members]
        known = [c for c in cards if c >= 0]
        cardinality = min(known) if known else (INFINITE_CARDINALITY if all(
            c == INFINITE_CARDINALITY for c in cards) else UNKNOWN_CARDINALITY)

        def iterate():
            for elements in zip(*(iter(d._iterate()) for d in members)):
                lookup = iter(elements)
                yield map_structure(lambda _: next(lookup), parts)
        return Dataset(iterate, cardinality)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """The next element of `datasets[i]` for each index `i` that `choice_dataset` yields; an exhausted
        dataset ends the result (or, with stop_on_empty_dataset=False, its turns are skipped)."""
        members = list(datasets)

        def iterate():
            sources = [iter(d._iterate()) for d in members]
            for choice in choice_dataset._iterate():
                index = int(choice)
                if not 0 <= index < len(sources):
                    raise ValueError(f"Dataset.choose_from_datasets: choice {index} is out of range for "
                                     f"{len(sources)} datasets")
                item = next(sources[index], _END)
                if item is _END:
                    if stop_on_empty_dataset:
                        return
                    continue
                yield item
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Elements drawn from `datasets` at random, each pick choosing dataset i with probability
        weights[i] (uniform by default); an exhausted dataset drops out (or ends it all with
        stop_on_empty_dataset=True)."""
        members = list(datasets)
        chances = np.full(len(members), 1.0) if weights is None else np.asarray(
            weights.tolist() if isinstance(weights, torch.Tensor) else weights, dtype=np.float64)
        if chances.shape != (len(members),) or (chances < 0).any() or chances.sum() <= 0:
            raise ValueError(f"Dataset.sample_from_datasets: `weights` must be {len(members)} non-negative numbers "
                             f"with a positive sum, received {weights!r}")

        def iterate():
            rng = np.random.default_rng(seed if seed is not None else int(torch.randint(0, 2 ** 62, ())))
            sources, live = [iter(d._iterate()) for d in members], chances.copy()
            while live.sum() > 0:
                index = int(rng.choice(len(sources), p=live / live.sum()))
                item = next(sources[index], _END)
                if item is _END:
                    if stop_on_empty_dataset:
                        return
                    live[index] = 0.0
                    continue
                yield item
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    # -- transformations --------------------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        buffer_size = int(buffer_size)
        if buffer_size <= 0:
            raise ValueError(f"shuffle buffer_size must be positive, received {buffer_size}")
        rng = shuffle_generators(seed, reshuffle_each_iteration)
        if self._index_source is not None:
            arrays, parent = self._index_source
            n = self._cardinality

            def order():
                generator = rng()
                if 0 <= n <= buffer_size:  # the buffer holds everything: a uniform permutation
                    return iter(generator.permutation(list(parent())).tolist())
                return buffer_shuffle(parent(), buffer_size, generator)
            return self._same_batching(Dataset._of_rows(arrays, order, self._cardinality))
        return self._same_batching(Dataset(lambda: buffer_shuffle(self._iterate(), buffer_size, rng()),
                                           self._cardinality))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, received {batch_size}")
        if self._index_source is not None:
            arrays, order = self._index_source

            def iterate():
                for chunk in self._chunks(order(), batch_size, drop_remainder):
                    index = torch.tensor(chunk, dtype=torch.long)
                    yield map_structure(lambda leaf: gather_rows(leaf, index), arrays)
        else:
            def iterate():
                for chunk in self._chunks(self._iterate(), batch_size, drop_remainder):
                    yield map_structure(stack_leaves, *chunk)
        batched = Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))
        batched._open_batch = not drop_remainder  # element_spec's batch dimension stays None, as TensorFlow
        return batched

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches of variable-length components, each padded to `padded_shapes` or to the batch's longest."""
        batch_size = int(batch_size)

        def iterate():
            for chunk in self._chunks(self._iterate(), batch_size, drop_remainder):
                template = chunk[0]
                shapes = iter(flatten_up_to(template, padded_shapes))
                values = iter(flatten_up_to(template, padding_values))
                yield map_structure(lambda *parts: padded(list(parts), next(shapes), next(values)), *chunk)
        batched = Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))
        # element_spec as TensorFlow's: the batch dimension and the dims padded per batch (-1/None) are None
        batched._open_batch, batched._padded_shapes = not drop_remainder, padded_shapes
        return batched

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
            stacked = map_structure(stack_leaves, *elements)
            n = len(elements)
            return map_structure(lambda leaf: Dataset._of_rows(leaf, lambda: iter(range(n)), n), stacked)

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
                yield from _inner_dataset(map_func, element, "flat_map")._iterate()
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """TensorFlow's interleave: `cycle_length` elements are mapped to datasets at a time (by default as
        many as the machine has cores, as TensorFlow), and `block_length` items are taken from each in turn.
        A dataset that runs out hands its slot to the next element's dataset, which starts on the next
        round."""
        cycle = (os.cpu_count() or 1) if cycle_length in (None, AUTOTUNE) else int(cycle_length)
        block = 1 if block_length in (None, AUTOTUNE) else int(block_length)
        if cycle <= 0 or block <= 0:
            raise ValueError(f"Dataset.interleave: cycle_length and block_length must be positive, received "
                             f"{cycle_length} and {block_length}")

        def iterate():
            inputs = iter(self._iterate())

            def open_next():
                element = next(inputs, _END)
                return None if element is _END else iter(_inner_dataset(map_func, element, "interleave")._iterate())
            slots = [slot for slot in (open_next() for _ in range(cycle)) if slot is not None]
            index = 0
            while slots:
                index %= len(slots)
                for _ in range(block):
                    item = next(slots[index], _END)
                    if item is _END:
                        replacement = open_next()
                        if replacement is None:
                            del slots[index]
                            index -= 1
                        else:
                            slots[index] = replacement
                        break
                    yield item
                index += 1
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    def unbatch(self, name=None):
        def iterate():
            for element in self._iterate():
                n = int(leaves(element)[0].shape[0])
                for i in range(n):
                    yield map_structure(lambda leaf, i=i: leaf[i], element)
        return Dataset(iterate, UNKNOWN_CARDINALITY if self._cardinality != INFINITE_CARDINALITY else
                       INFINITE_CARDINALITY)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        def apply(element):
            # tensors and text reach the function with TensorFlow's face, also during fit (user_function_call.py)
            result = call_on_element(map_func, element)
            if isinstance(result, list):
                result = tuple(result)  # TensorFlow reads a list that map returns as a tuple of components
            return map_structure(to_leaf, as_structure(result))

        def iterate():
            for element in self._iterate():
                try:
                    yield apply(element)
                except Exception:
                    if not skipping_errors():  # ignore_errors downstream drops the element
                        raise
        return self._same_batching(Dataset(iterate, self._cardinality))

    def filter(self, predicate, name=None):
        def keep(element):
            return bool(call_on_element(predicate, element))
        return self._same_batching(Dataset(
            lambda: (e for e in self._iterate() if keep(e)),
            INFINITE_CARDINALITY if self._cardinality == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY))

    def repeat(self, count=None, name=None):
        forever = count is None or count == -1
        times = None if forever else int(count)
        cardinality = self._cardinality
        if cardinality >= 0:
            cardinality = (INFINITE_CARDINALITY if cardinality else 0) if forever else cardinality * times
        elif forever:
            cardinality = INFINITE_CARDINALITY  # an unknown count repeated forever, as TensorFlow reports it

        def rounds(source):
            # A pass that yields nothing ends the repetition, as in TensorFlow: repeat() of an empty dataset (a
            # filter that drops everything, a file with no records) is empty instead of looping forever.
            for _ in itertools.count() if forever else range(times):
                empty = True
                for element in source():
                    empty = False
                    yield element
                if empty:
                    return
        if self._index_source is not None:
            arrays, order = self._index_source
            return self._same_batching(Dataset._of_rows(arrays, lambda: rounds(order), cardinality))
        return self._same_batching(Dataset(lambda: rounds(self._iterate), cardinality))

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

    def shard(self, num_shards, index, name=None):
        """Every `num_shards`-th element starting at `index` (one worker's part of the data)."""
        num_shards, index = int(num_shards), int(index)
        if not 0 <= index < num_shards:
            raise ValueError(f"Dataset.shard: index must be in [0, num_shards), received index={index}, "
                             f"num_shards={num_shards}")
        card = self._cardinality
        cardinality = max(math.ceil((card - index) / num_shards), 0) if card >= 0 else card
        return self._sliced(lambda items: itertools.islice(items, index, None, num_shards), cardinality)

    def _sliced(self, cut, cardinality):
        if self._index_source is not None:
            arrays, order = self._index_source
            return self._same_batching(Dataset._of_rows(arrays, lambda: cut(order()), cardinality))
        return self._same_batching(Dataset(lambda: cut(self._iterate()), cardinality))

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
        return self._same_batching(Dataset(iterate, self._cardinality))

    def prefetch(self, buffer_size=None, name=None):
        return self  # batches are produced on demand in fit's thread; nothing to overlap on the host here

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
        state = map_structure(to_leaf, as_structure(initial_state))
        for element in self._iterate():
            state = map_structure(to_leaf, as_structure(call_on_element(reduce_func, element, state)))
        return for_user(map_structure(text_face, state))

    # -- reading ------------------------------------------------------------------------------------
    def __iter__(self):
        return OwnedIterator((for_user(map_structure(text_face, element)) for element in self._iterate()), self)

    def as_numpy_iterator(self):
        return NumpyIterator((map_structure(to_numpy, element) for element in self._iterate()), self)

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

    __repr__ = dataset_text  # TensorFlow's: `<_BatchDataset element_spec=...>` (dataset_names.py)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise _unsupported_error(f"tf.data.Dataset.{name}")


attach_summaries(Dataset)
label_transformations(Dataset)
_END = object()


def _inner_dataset(map_func, element, api):
    """`map_func` applied to one element (a tuple spread over its arguments), checked to give a Dataset."""
    inner = call_on_element(map_func, element)
    if not isinstance(inner, Dataset):
        raise TypeError(f"Dataset.{api}: `map_func` must return a Dataset, it returned {type(inner).__name__}")
    return inner


def _plain_unsupported_error(api):
    return AttributeError(f"{api} is not supported in tkeras")


# What a Dataset method tkeras lacks raises. The TensorFlow stand-in (compat/) registers its own error,
# which adds the TensorFlow version and the nearest replacement; this package cannot import it from there.
_unsupported_error = _plain_unsupported_error


def report_unsupported_with(make_error):
    """Let `make_error(api) -> exception` build the error for missing Dataset methods."""
    global _unsupported_error
    _unsupported_error = make_error
