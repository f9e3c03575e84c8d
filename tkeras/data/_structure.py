"""The elements of `tf.data` pipelines: nested structures (tensors, tuples, dicts) of torch tensors, with
text and bytes kept as NumPy arrays, and the few operations `Dataset` needs on them (map over leaves,
stack, gather rows, pad, TensorFlow's buffered shuffle)."""
import numpy as np
import torch

from tkeras.ops.core import carries_numpy_dtype


def map_structure(fn, *structures):
    first = structures[0]
    if isinstance(first, dict):
        return {key: map_structure(fn, *(s[key] for s in structures)) for key in first}
    if isinstance(first, tuple):
        items = [map_structure(fn, *parts) for parts in zip(*structures)]
        return type(first)(*items) if hasattr(first, "_fields") else tuple(items)
    return fn(*structures)


def leaves(structure):
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in leaves(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in leaves(item)]
    return [structure]


def as_structure(value):
    """What TensorFlow treats as structure: tuples and dicts (a list returned by `map` counts as a tuple)."""
    if isinstance(value, list) and value and any(isinstance(v, (tuple, dict, list)) for v in value):
        if _is_rectangular_python_data(value):
            return value  # [[1, 2], [3, 4]] is one tensor to TensorFlow, sliced into rows
        return tuple(as_structure(v) for v in value)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(as_structure(v) for v in value)
    if isinstance(value, dict):
        return {key: as_structure(v) for key, v in value.items()}
    return value


def _is_rectangular_python_data(value):
    """Nested lists of Python numbers or strings that form an n-d array (no tuples, dicts or arrays
    inside): TensorFlow converts such a list to a tensor instead of reading it as structure."""
    def plain(item):
        if isinstance(item, list):
            return all(plain(v) for v in item)
        return isinstance(item, (bool, int, float, str, bytes, np.generic))

    if not plain(value):
        return False
    try:
        return np.asarray(value).dtype != object
    except ValueError:  # ragged
        return False


def to_leaf(value):
    """One component as a CPU tensor (NumPy dtypes kept; Python floats -> float32, ints -> int32, as TF)."""
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor)
    if _is_sparse(value):
        return value  # VarLenFeature results stay sparse through map and batch, as in TensorFlow
    if not isinstance(value, np.ndarray) and _is_ragged(value):
        return value  # a map function's RaggedTensor result stays ragged (batch gives it one more ragged axis)
    if isinstance(value, bytes) and not isinstance(value, np.bytes_):
        return np.array(bytes(value), dtype=object)  # binary records: see is_bytes_array
    if is_bytes_array(value):
        return np.asarray(value)
    array = value if isinstance(value, np.ndarray) else np.asarray(value)
    if array.dtype.kind == "S":
        return array  # bytes (a file's contents from tf.io.read_file) stay bytes, as TensorFlow's strings are
    if array.dtype.kind in "UO":
        return array.astype(str)  # text: stays NumPy (TextVectorization and friends read it)
    if not isinstance(value, (np.ndarray, np.generic)) and not _has_numpy_dtype(value):
        array = array.astype(np.float32) if array.dtype == np.float64 else (
            array.astype(np.int32) if array.dtype == np.int64 else array)
    if array.dtype.kind == "u" and array.dtype != np.uint8:
        array = array.astype(np.int64)
    return torch.from_numpy(np.require(array, requirements="CW"))  # 0-d stays 0-d; read-only (pandas) copied


def _has_numpy_dtype(value):
    """pandas Series/columns and DataFrames carry NumPy dtypes that TensorFlow keeps (an int64 column stays
    int64, a frame of int and float columns is float64); only Python numbers and lists take TensorFlow's
    32-bit defaults."""
    return carries_numpy_dtype(value)


def is_bytes_array(value):
    """Binary strings (TFRecord records, parsed bytes features) are NumPy object arrays of Python bytes:
    NumPy's own bytes dtype drops trailing NUL bytes, which binary data keeps."""
    return isinstance(value, np.ndarray) and value.dtype == object and value.size > 0 and isinstance(
        value.flat[0], bytes)


def gather_rows(leaf, index):
    if isinstance(leaf, torch.Tensor):
        return leaf.index_select(0, index)
    return leaf[index.numpy()]


def _is_sparse(value):
    return hasattr(value, "dense_shape") and hasattr(value, "_indices")  # tf.SparseTensor (compat/ sits above)


def _is_ragged(value):
    return hasattr(value, "row_splits") and hasattr(value, "flat_values")  # tf.RaggedTensor (compat/ sits above)


def _stack_sparse(parts):
    """Sparse tensors batched on a new first axis, padded to the largest dense shape among them."""
    indices = torch.cat([torch.cat([torch.full((len(p._indices), 1), i, dtype=torch.int64), p._indices], 1)
                         for i, p in enumerate(parts)])
    values = [p._values for p in parts]
    values = torch.cat(values) if isinstance(values[0], torch.Tensor) else np.concatenate(values)
    shape = [len(parts)] + torch.stack([p._dense_shape for p in parts]).max(0).values.tolist()
    return type(parts[0])(indices, values, shape)


def stack_leaves(*parts):
    if _is_sparse(parts[0]):
        return _stack_sparse(parts)
    ragged_type = getattr(parts[0], "_ragged_source", None)  # rows of a RaggedTensor (data/ragged_rows.py)
    if ragged_type is not None:
        return ragged_type.from_rows_of(parts)
    if _is_ragged(parts[0]):
        return type(parts[0]).from_rows_of(parts)
    if isinstance(parts[0], torch.Tensor):
        return torch.stack(parts)
    stacked = np.stack(parts)
    if stacked.dtype == object and any(isinstance(item, str) for item in stacked.flat):
        # UTF-8 text next to binary strings (a TextLineDataset line that is not UTF-8): all binary, as
        # TensorFlow's string tensors are, so the batch is one kind of string
        stacked = np.array([item.encode("utf-8") if isinstance(item, str) else item for item in stacked.flat],
                           dtype=object).reshape(stacked.shape)
    return stacked


def to_numpy(leaf):
    if isinstance(leaf, torch.Tensor):
        array = leaf.detach().cpu().numpy()
        return array[()] if array.ndim == 0 else array  # a scalar element: np.int64(2), as TensorFlow gives
    if isinstance(leaf, np.ndarray) and leaf.ndim == 0 and leaf.dtype == object:
        return leaf[()]  # one binary string: Python bytes, as TensorFlow's as_numpy_iterator gives
    if isinstance(leaf, str):
        return leaf.encode("utf-8")  # one string (np.str_ included): bytes, as TensorFlow gives
    if isinstance(leaf, np.ndarray) and leaf.dtype.kind == "U":
        # text leaves NumPy as TensorFlow's string tensors do: UTF-8 bytes (object arrays of them)
        encoded = np.char.encode(np.asarray(leaf), "utf-8").astype(object)
        return encoded[()] if encoded.ndim == 0 else encoded
    return leaf


def shuffle_generators(seed, reshuffle_each_iteration):
    """`Dataset.shuffle`'s source of generators, one per pass. Unseeded shuffles follow torch's global seed
    (tf.random.set_seed). reshuffle_each_iteration=False fixes one order for every pass and every iterator
    of the dataset, so `shuffle(n, reshuffle_each_iteration=False)` then take()/skip() splits it without
    overlap: its seed is drawn once, here, when none is given."""
    persistent = np.random.default_rng(seed) if seed is not None else None
    fixed_seed = None if reshuffle_each_iteration else (
        seed if seed is not None else int(torch.randint(0, 2 ** 62, ())))

    def generator():
        if fixed_seed is not None:
            return np.random.default_rng(fixed_seed)
        if seed is None:
            return np.random.default_rng(int(torch.randint(0, 2 ** 62, ())))
        return persistent
    return generator


def buffer_shuffle(items, buffer_size, rng):
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


def flatten_up_to(template, value):
    """`value` (padded_shapes, padding_values) split along the element structure; None for every part."""
    if isinstance(template, dict):
        return [v for key in template for v in flatten_up_to(template[key], None if value is None else value[key])]
    if isinstance(template, tuple):
        parts = value if value is not None else [None] * len(template)
        return [v for t, part in zip(template, parts) for v in flatten_up_to(t, part)]
    return [value]


def padded(parts, shape, value):
    """Stack variable-length components, padding each to `shape` (None dims: the batch's longest)."""
    dims = [max(int(leaf.shape[d]) for leaf in parts) for d in range(parts[0].dim())]
    if shape is not None:
        dims = [d if s is None or s == -1 else int(s) for d, s in zip(dims, shape)]
    fill = 0 if value is None else (value.item() if hasattr(value, "item") else value)
    out = torch.full((len(parts), *dims), fill, dtype=parts[0].dtype)
    for i, leaf in enumerate(parts):
        out[(i, *[slice(0, n) for n in leaf.shape])] = leaf
    return out
