"""The less common `tf.data.Dataset` transformations (grouping, scanning, deduplication, ragged and sparse
batching, saving), kept apart from `dataset.py` so the core pipeline stays small; `Dataset` inherits
them. TensorFlow value types that live above this package (RaggedTensor, SparseTensor, TensorSpec) come
in through `register_value_types`, which the `tf` stand-in calls when it loads."""
import itertools

import numpy as np
import torch

from tkeras.backend.eager_tensor import dtype_text
from tkeras.data._errors import tf_error
from tkeras.data._structure import as_structure, flatten_up_to, map_structure, stack_leaves, to_leaf
from tkeras.data.user_function_call import call_on_element

INFINITE, UNKNOWN = -1, -2


class ElementSpec:
    """The shape and dtype of one component, read from the data (tkeras keeps no static shapes): a
    None dimension is one that `batch` without drop_remainder leaves open."""

    def __init__(self, shape, dtype=torch.float32, name=None):
        self.shape, self.dtype, self.name = tuple(shape), dtype, name

    def __eq__(self, other):
        return isinstance(other, ElementSpec) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self):
        return hash((self.shape, str(self.dtype)))

    def __repr__(self):  # as TensorFlow prints it: dtype=tf.float32
        return f"TensorSpec(shape={self.shape}, dtype=tf.{dtype_text(self.dtype)}, name={self.name!r})"


_TYPES = {"spec": ElementSpec, "ragged_from_row_lengths": None, "sparse": None}


def register_value_types(spec=None, ragged_from_row_lengths=None, sparse=None):
    """The tf stand-in hands in its TensorSpec, RaggedTensor.from_row_lengths and SparseTensor."""
    for key, value in (("spec", spec), ("ragged_from_row_lengths", ragged_from_row_lengths), ("sparse", sparse)):
        if value is not None:
            _TYPES[key] = value


def _value_type(key, api):
    made = _TYPES[key]
    if made is None:
        raise NotImplementedError(f"{api} needs the tf namespace (import tensorflow under tkeras' import hook)")
    return made


def _dataset():
    from tkeras.data.dataset import Dataset
    return Dataset


_IGNORING = [0]  # > 0 while ignore_errors pulls an element: map then skips an element whose function raised


def skipping_errors():
    return _IGNORING[0] > 0


def _int_scalar(value):
    return int(value.item() if hasattr(value, "item") else value)


class MoreTransformations:
    """Mixed into `Dataset` (see the module docstring)."""

    # -- static sources -----------------------------------------------------------------------------
    @staticmethod
    def counter(start=0, step=1, dtype=torch.int64, name=None):
        """Endless, so fit needs steps_per_epoch; typically zipped with a finite dataset."""
        return _dataset()(lambda: (torch.tensor(start + i * step, dtype=dtype) for i in itertools.count()), INFINITE)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        """Endless non-negative int64 values below 2**32 (TensorFlow's range). The sequence is
        tkeras' own (NumPy's generator): a seed repeats it run to run, not TensorFlow's numbers."""
        def iterate():
            rng = np.random.default_rng(seed if seed is not None else int(torch.randint(0, 2 ** 62, ())))
            while True:
                for value in rng.integers(0, 2 ** 32, 256).tolist():
                    yield torch.tensor(value, dtype=torch.int64)
        return _dataset()(iterate, INFINITE)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None, checkpoint_args=None):
        from tkeras.data.saved import load
        return load(path, _dataset())

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        from tkeras.data.saved import save
        save(self, path)

    # -- structure ------------------------------------------------------------------------------------
    @property
    def element_spec(self):
        """Read from the first element (which runs the pipeline's source once); an empty dataset has
        nothing to read, so its spec is None rather than an error (DatasetSpec.from_value reads it)."""
        first = next(iter(self._iterate()), None)
        if first is None:
            return None
        spec = _TYPES["spec"]
        open_batch = getattr(self, "_open_batch", False)
        padded_shapes = getattr(self, "_padded_shapes", None)
        padded_dims = iter(flatten_up_to(first, padded_shapes)) if padded_shapes is not None else None

        def describe(leaf):
            wanted = next(padded_dims) if padded_dims is not None else None
            if hasattr(leaf, "dense_shape"):
                return leaf
            shape = tuple(int(d) for d in leaf.shape)
            if open_batch and shape:
                shape = (None,) + shape[1:]
            if wanted is not None and shape:  # padded_batch: -1/None dims vary from batch to batch
                shape = shape[:1] + tuple(None if w is None or int(w) == -1 else d for d, w in zip(shape[1:], wanted))
            dtype = leaf.dtype if isinstance(leaf, torch.Tensor) else "string"
            return spec(shape, dtype)
        return map_structure(describe, first)

    def options(self):
        from tkeras.data.dataset import Options
        return getattr(self, "_options", None) or Options()

    def with_options(self, options, name=None):
        derived = _dataset()(self._iterate, self._cardinality, self._index_source)
        derived._options = options
        return self._same_batching(derived)

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None, name=None):
        """Pipelines here run in-process from their source every epoch; TensorFlow's on-disk snapshot
        files would only be a cache, so the path is ignored and the elements flow through unchanged
        (`save`/`load` write a real copy)."""
        return self

    # -- per-element transformations ---------------------------------------------------------------
    def scan(self, initial_state, scan_func, name=None):
        start = map_structure(to_leaf, as_structure(initial_state))

        def iterate():
            state = start
            for element in self._iterate():
                state, output = call_on_element(scan_func, element, state)
                state = map_structure(to_leaf, as_structure(state))
                yield map_structure(to_leaf, as_structure(output))
        return _dataset()(iterate, self._cardinality)

    def take_while(self, predicate, name=None):
        def iterate():
            for element in self._iterate():
                if not bool(call_on_element(predicate, element)):
                    return
                yield element
        return _dataset()(iterate, INFINITE if self._cardinality == INFINITE else UNKNOWN)

    def unique(self, name=None):
        """Only scalar int32/int64/string elements, as TensorFlow: they are compared by value."""
        def key(element):
            if isinstance(element, (tuple, dict)) or element.ndim != 0:
                raise TypeError("`tf.data.Dataset.unique` only supports scalar elements (int32, int64 or string)")
            if isinstance(element, torch.Tensor):
                if element.dtype not in (torch.int32, torch.int64):
                    name = str(element.dtype).replace("torch.", "")
                    raise TypeError(f"`tf.data.Dataset.unique` does not support type <dtype: '{name}'> -- only "
                                    f"`tf.int32`, `tf.int64`, and `tf.string` are supported.")
                return int(element)
            return element.item()

        first = next(iter(self._iterate()), None)
        if first is not None:
            key(first)  # a wrong element type fails here, when the pipeline is built, as TensorFlow

        def iterate():
            seen = set()
            for element in self._iterate():
                k = key(element)
                if k not in seen:
                    seen.add(k)
                    yield element
        return _dataset()(iterate, INFINITE if self._cardinality == INFINITE else UNKNOWN)

    def ignore_errors(self, log_warning=False, name=None):
        """An element whose `map` function raised is dropped and the pipeline goes on. Errors raised by
        other stages (a source that fails) end the iteration quietly instead."""
        def iterate():
            source = iter(self._iterate())
            while True:
                _IGNORING[0] += 1
                try:
                    element = next(source)
                except StopIteration:
                    return
                except Exception as error:  # noqa: BLE001 - what ignore_errors is for
                    if log_warning:
                        print(f"tf.data ignore_errors: dropped the rest after {type(error).__name__}: {error}")
                    return
                finally:
                    _IGNORING[0] -= 1
                yield element
        return _dataset()(iterate, INFINITE if self._cardinality == INFINITE else UNKNOWN)

    def get_single_element(self, name=None):
        items = list(itertools.islice(self, 2))
        if not items:
            raise tf_error("InvalidArgumentError", "Dataset was empty.")
        if len(items) > 1:
            raise tf_error("InvalidArgumentError", "Dataset had more than one element.")
        return items[0]

    # -- grouping and batching ---------------------------------------------------------------------
    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None, name=None):
        """Windows of elements sharing a key; a full window is reduced at once, the partial ones when
        the input ends, in ascending key order (TensorFlow's)."""
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Dataset.group_by_window: give exactly one of `window_size` and `window_size_func`")
        size_of = (lambda key: int(window_size)) if window_size_func is None else (
            lambda key: _int_scalar(call_on_element(window_size_func, torch.tensor(key, dtype=torch.int64))))
        Dataset = _dataset()

        def reduce(key, elements):
            window = Dataset(lambda: iter(elements), len(elements))  # shapes may differ (sequences)
            result = call_on_element(reduce_func, window, torch.tensor(key, dtype=torch.int64))
            if not isinstance(result, Dataset):
                raise TypeError("Dataset.group_by_window: `reduce_func` must return a Dataset")
            return result._iterate()

        def iterate():
            groups = {}
            for element in self._iterate():
                key = _int_scalar(call_on_element(key_func, element))
                group = groups.setdefault(key, [])
                group.append(element)
                if len(group) >= size_of(key):
                    del groups[key]
                    yield from reduce(key, group)
            for key in sorted(groups):
                yield from reduce(key, groups[key])
        return Dataset(iterate, UNKNOWN)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False, name=None):
        boundaries, sizes = [int(b) for b in bucket_boundaries], [int(s) for s in bucket_batch_sizes]
        if len(sizes) != len(boundaries) + 1:
            raise ValueError(f"bucket_batch_sizes must have one more entry than bucket_boundaries "
                             f"({len(boundaries) + 1}), received {len(sizes)}")

        def bucket_of(*element):
            length = _int_scalar(element_length_func(*element))
            return sum(1 for b in boundaries if b <= length)

        def batch_bucket(bucket, window):
            bucket = int(bucket)
            if no_padding:
                return window.batch(sizes[bucket], drop_remainder=drop_remainder)
            shapes = padded_shapes
            if pad_to_bucket_boundary:
                if bucket >= len(boundaries):
                    raise tf_error("InvalidArgumentError", "When pad_to_bucket_boundary=True, elements must "
                                   f"have length < max(bucket_boundaries). (largest boundary: {max(boundaries)})")
                shapes = padded_shapes if padded_shapes is not None else _first_dim_shapes(
                    window, boundaries[bucket] - 1)
            return window.padded_batch(sizes[bucket], padded_shapes=shapes, padding_values=padding_values,
                                       drop_remainder=drop_remainder)
        return self.group_by_window(bucket_of, batch_bucket, window_size_func=lambda key: sizes[int(key)])

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Re-slices the batches: a list of sizes is used in turn, as TensorFlow's distributed rebatch."""
        sizes = [int(s) for s in np.asarray(batch_size.tolist() if hasattr(batch_size, "tolist") else
                                            batch_size).reshape(-1)]
        flat = self.unbatch()
        if len(sizes) == 1:
            return flat.batch(sizes[0], drop_remainder=drop_remainder)

        def iterate():
            source = iter(flat._iterate())
            for size in itertools.cycle(sizes):
                chunk = list(itertools.islice(source, size))
                if not chunk or (drop_remainder and len(chunk) < size):
                    return
                yield map_structure(stack_leaves, *chunk)
        return _dataset()(iterate, UNKNOWN)

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=torch.int64, name=None):
        """Components of rank >= 1 become RaggedTensors ragged along their first axis; scalars stack."""
        make = _value_type("ragged_from_row_lengths", "Dataset.ragged_batch")

        def combine(*parts):
            if not isinstance(parts[0], torch.Tensor) or parts[0].dim() == 0:
                return stack_leaves(*parts)
            lengths = torch.tensor([int(p.shape[0]) for p in parts], dtype=row_splits_dtype)
            return make(torch.cat(parts), lengths)
        return self._grouped_batches(batch_size, drop_remainder, combine)

    def sparse_batch(self, batch_size, row_shape, name=None):
        """Each element becomes the rows of one SparseTensor of shape [batch, *row_shape], with every
        position of the element listed (zeros included), as TensorFlow."""
        sparse = _value_type("sparse", "Dataset.sparse_batch")
        row_shape = [int(d) for d in np.asarray(row_shape).reshape(-1)]

        def combine(*parts):
            indices, values = [], []
            for i, part in enumerate(parts):
                part = torch.as_tensor(part)
                if part.dim() != len(row_shape) or any(s > r for s, r in zip(part.shape, row_shape)):
                    raise tf_error("InvalidArgumentError", f"Dataset.sparse_batch: an element of shape "
                                   f"{list(part.shape)} does not fit row_shape {row_shape}")
                grid = torch.cartesian_prod(*[torch.arange(s) for s in part.shape]).reshape(-1, part.dim()) \
                    if part.dim() else torch.zeros((1, 0), dtype=torch.int64)
                indices.append(torch.cat([torch.full((len(grid), 1), i), grid], 1))
                values.append(part.reshape(-1))
            return sparse(torch.cat(indices).to(torch.int64), torch.cat(values), [len(parts)] + row_shape)
        return self._grouped_batches(batch_size, False, combine)

    def _grouped_batches(self, batch_size, drop_remainder, combine):
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, received {batch_size}")

        def iterate():
            for chunk in self._chunks(self._iterate(), batch_size, drop_remainder):
                yield map_structure(combine, *chunk)
        return _dataset()(iterate, self._batched_cardinality(batch_size, drop_remainder))

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None, name=None):
        """Elements kept with the probability that moves the class mix towards `target_dist`; without
        `initial_dist` the mix seen so far is the estimate. Yields (class, element), as TensorFlow."""
        target = np.asarray(target_dist, dtype=np.float64)
        fixed = None if initial_dist is None else np.asarray(initial_dist, dtype=np.float64)

        def iterate():
            rng = np.random.default_rng(seed if seed is not None else int(torch.randint(0, 2 ** 62, ())))
            counts = np.zeros(len(target))
            for element in self._iterate():
                label = _int_scalar(call_on_element(class_func, element))
                counts[label] += 1
                seen = fixed if fixed is not None else counts / counts.sum()
                ratio = np.where(seen > 0, target / np.maximum(seen, 1e-12), 0.0)
                if rng.random() < ratio[label] / max(ratio.max(), 1e-12):
                    yield torch.tensor(label, dtype=torch.int32), element
        return _dataset()(iterate, INFINITE if self._cardinality == INFINITE else UNKNOWN)


def _first_dim_shapes(window, length):
    first = next(iter(window._iterate()))
    return map_structure(lambda leaf: [length] + [None] * (leaf.dim() - 1) if leaf.dim() else [], first)
