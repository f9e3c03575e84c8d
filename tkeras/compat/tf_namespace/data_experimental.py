"""`tf.data.experimental`: the TF 1/2.x-era spellings of Dataset transformations (each returns a function
for `dataset.apply`), the CSV readers of TensorFlow's CSV tutorial, and the option classes. It lives on
the tf side because it builds TensorFlow value types (RaggedTensor, SparseTensor, parsed Examples)."""
import collections
import csv
import glob
import io
import gzip

import numpy as np
import torch

from tkeras.compat.tf_namespace import errors
from tkeras.data import options as _options
from tkeras.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset  # noqa: F401

AutoShardPolicy, ExternalStatePolicy = _options.AutoShardPolicy, _options.ExternalStatePolicy
AutotuneAlgorithm, AutotuneOptions = _options.AutotuneAlgorithm, _options.AutotuneOptions
OptimizationOptions, ThreadingOptions = _options.OptimizationOptions, _options.ThreadingOptions
DistributeOptions = _options.DistributeOptions
Counter, sample_from_datasets, choose_from_datasets = Dataset.counter, Dataset.sample_from_datasets, \
    Dataset.choose_from_datasets


def RandomDataset(seed=None, name=None):  # noqa: N802 - TensorFlow's class name
    return Dataset.random(seed=seed)


def cardinality(dataset):
    return dataset.cardinality()


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    dataset.save(path)


def load(path, element_spec=None, compression=None, reader_func=None):
    return Dataset.load(path)


def get_single_element(dataset):
    return dataset.get_single_element()


def get_structure(dataset_or_iterator):
    return dataset_or_iterator.element_spec


def from_list(elements, name=None):
    """Elements may differ in shape (unlike from_tensor_slices), so they are kept one by one."""
    from tkeras.data._structure import as_structure, map_structure, to_leaf
    items = [map_structure(to_leaf, as_structure(e)) for e in elements]
    if not items:
        raise ValueError("from_list: `elements` must not be empty")
    return Dataset(lambda: iter(items), len(items))


def _method(name, **fixed):
    return lambda *args, **kwargs: (lambda dataset: getattr(dataset, name)(*args, **{**fixed, **kwargs}))


unbatch, unique, scan, take_while = _method("unbatch"), _method("unique"), _method("scan"), _method("take_while")
ignore_errors, group_by_window = _method("ignore_errors"), _method("group_by_window")
rejection_resample, snapshot = _method("rejection_resample"), _method("snapshot")
dense_to_ragged_batch, dense_to_sparse_batch = _method("ragged_batch"), _method("sparse_batch")


SHARD_HINT = -1


def get_next_as_optional(iterator):
    return iterator.get_next_as_optional()


def enable_debug_mode():
    """Pipelines already run eagerly in the caller's thread, which is what debug mode asks for."""


def enumerate_dataset(start=0):
    return lambda dataset: dataset.enumerate(start)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
                              padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
        pad_to_bucket_boundary, no_padding, drop_remainder)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    return lambda dataset: dataset.shuffle(buffer_size, seed=seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False, num_parallel_calls=None):
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder=drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False, buffer_output_elements=None,
                        prefetch_input_elements=None):
    return lambda dataset: dataset.interleave(map_func, cycle_length=cycle_length, block_length=block_length)


def prefetch_to_device(device, buffer_size=None):
    """Batches move to the model's device inside fit, so there is no host-to-device staging to do here."""
    return lambda dataset: dataset


def copy_to_device(target_device, source_device="/cpu:0"):
    return lambda dataset: dataset


def assert_cardinality(expected_cardinality):
    """Checked while iterating, as TensorFlow: a wrong count fails at the point it becomes known."""
    expected = int(expected_cardinality)

    def apply(dataset):
        def iterate():
            count = 0
            for element in dataset._iterate():
                count += 1
                if expected >= 0 and count > expected:
                    raise errors.FailedPreconditionError(None, None, (
                        f"Input dataset was expected to contain {expected} elements but contained at least "
                        f"{count} elements."))
                yield element
            if count < expected:
                raise errors.FailedPreconditionError(None, None, (
                    f"Input dataset was expected to contain {expected} elements but contained only {count} "
                    f"elements."))
        return Dataset(iterate, expected)
    return apply


def pad_to_cardinality(cardinality, mask_key="valid"):
    """Dict elements padded with zero-filled ones up to `cardinality`, each marked by a boolean
    `mask_key` entry (True for the real elements)."""
    total = int(cardinality)

    def apply(dataset):
        from tkeras.data._structure import map_structure
        card = dataset._cardinality
        if card < 0:
            raise ValueError(f"pad_to_cardinality needs a dataset of known cardinality, this one has {card}")
        if card > total:
            raise ValueError(f"pad_to_cardinality: the dataset has {card} elements, more than the requested "
                             f"cardinality {total}")

        def iterate():
            last = None
            for element in dataset._iterate():
                if not isinstance(element, dict):
                    raise ValueError("pad_to_cardinality needs dict elements (the mask is added as a key)")
                last = element
                yield {**element, mask_key: torch.tensor(True)}
            for _ in range(total - card):
                zeros = map_structure(lambda leaf: torch.zeros_like(leaf) if isinstance(leaf, torch.Tensor)
                                      else np.zeros_like(leaf), last)
                yield {**zeros, mask_key: torch.tensor(False)}
        return Dataset(iterate, total)
    return apply


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    from tkeras.compat.tf_namespace._parsing import parse_example
    return lambda dataset: dataset.map(lambda serialized: parse_example(serialized, features))


# -- CSV ------------------------------------------------------------------------------------------------
def _open(path, compression_type):
    raw = gzip.open(path, "rt", encoding="utf-8", newline="") if compression_type == "GZIP" else open(
        path, encoding="utf-8", newline="")
    return raw


def _rows(path, field_delim, use_quote_delim, header, compression_type):
    with _open(path, compression_type) as handle:
        text = handle.read()
    reader = csv.reader(io.StringIO(text), delimiter=field_delim,
                        quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    rows = [row for row in reader if row]
    return rows[1:] if header else rows


_KIND_DTYPE = {"int32": torch.int32, "int64": torch.int64, "float32": torch.float32, "float64": torch.float64}


def _default_kind(default):
    """A record default: a dtype (required column) or a value / one-value list (its type, filled in)."""
    if isinstance(default, (list, tuple)) or (isinstance(default, np.ndarray) and default.ndim == 1):
        if len(default) == 0:
            raise ValueError("CSV: an empty record default has no type; give a dtype or a value")
        default = default[0]
    if isinstance(default, torch.dtype):
        return _torch_kind(default), None
    if default == "string" or default is str:
        return "string", None
    if isinstance(default, torch.Tensor):
        return _torch_kind(default.dtype), default.item()
    if isinstance(default, (str, bytes)):
        return "string", default.decode() if isinstance(default, bytes) else default
    if isinstance(default, float) or isinstance(default, np.floating):
        return "float32", float(default)
    return "int32", int(default)


def _torch_kind(dtype):
    for kind, candidate in _KIND_DTYPE.items():
        if candidate == dtype:
            return kind
    return "string"


def _convert(value, kind, fallback, column, na_value):
    if value == na_value or value == "":
        if fallback is None:
            raise errors.InvalidArgumentError(None, None, f"Field {column} is required but missing in record!")
        value = fallback
    if kind == "string":
        return np.array(str(value))
    try:
        number = float(value) if kind.startswith("float") else int(value)
    except ValueError:
        raise errors.InvalidArgumentError(None, None, f"Field {column} in record is not a valid "
                                          f"{'float' if kind.startswith('float') else 'int'}: {value}") from None
    return torch.tensor(number, dtype=_KIND_DTYPE[kind])


def _files(pattern):
    patterns = [pattern] if isinstance(pattern, (str, bytes)) else list(pattern)
    found = []
    for p in patterns:
        p = p.decode() if isinstance(p, bytes) else str(p)
        found.extend(sorted(glob.glob(p)) or [p])
    return found


def CsvDataset(filenames, record_defaults, compression_type=None, buffer_size=None, header=False,  # noqa: N802
               field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None,
               name=None):
    """Each record as a tuple of scalars typed by `record_defaults` (a dtype marks a required column)."""
    kinds = [_default_kind(d) for d in record_defaults]
    paths = _files(filenames)
    if select_cols is not None and exclude_cols is not None:
        raise errors.InvalidArgumentError(None, None, "Either select_cols or exclude_cols should be empty")

    def iterate():
        for path in paths:
            for row in _rows(path, field_delim, use_quote_delim, header, compression_type):
                columns = list(range(len(row)))
                if select_cols is not None:
                    columns = [int(c) for c in select_cols]
                elif exclude_cols is not None:
                    columns = [c for c in columns if c not in set(int(e) for e in exclude_cols)]
                if len(columns) != len(kinds):
                    raise errors.InvalidArgumentError(None, None, (
                        f"Expect {len(kinds)} fields but have {len(columns)} in record"))
                yield tuple(_convert(row[c] if c < len(row) else "", kind, fallback, c, na_value)
                            for c, (kind, fallback) in zip(columns, kinds))
    return Dataset(iterate, UNKNOWN_CARDINALITY)


def _infer_kind(values, na_value):
    """TensorFlow's inference: int32 if every value is an integer (int64 when one overflows int32),
    float32 if every value is a number, text otherwise; missing values don't vote."""
    kind = "int32"
    for value in values:
        if value == na_value or value == "":
            continue
        if kind in ("int32", "int64"):
            try:
                number = int(value)
                if kind == "int32" and not -2 ** 31 <= number < 2 ** 31:
                    kind = "int64"
                continue
            except ValueError:
                kind = "float32"
        if kind == "float32":
            try:
                float(value)
                continue
            except ValueError:
                return "string"
    return kind


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False, encoding="utf-8"):
    """Batches of (features dict, label): the column types come from `column_defaults` or are inferred
    from the first rows; without `num_epochs` the data repeats forever and the last short batch is
    dropped, as TensorFlow."""
    paths = _files(file_pattern)
    if not paths:
        raise ValueError(f"make_csv_dataset: no files match {file_pattern!r}")
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is provided.")
        with _open(paths[0], compression_type) as handle:
            column_names = next(csv.reader(handle, delimiter=field_delim))
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Expected `column_names` to be unique, received duplicates")
    if select_columns is not None:
        positions = [c if isinstance(c, int) else _column_index(column_names, c) for c in select_columns]
        positions = sorted(positions)
    else:
        positions = list(range(len(column_names)))
    names = [column_names[p] for p in positions]
    if label_name is not None and label_name not in names:
        raise ValueError(f"`label_name` provided must be one of the columns: {names}. Received: {label_name}.")
    if column_defaults is None:
        sample = _rows(paths[0], field_delim, use_quote_delim, header, compression_type)[:num_rows_for_inference]
        defaults = []
        for p in positions:
            kind = _infer_kind([row[p] if p < len(row) else "" for row in sample], na_value)
            defaults.append({"int32": 0, "int64": torch.tensor(0, dtype=torch.int64), "float32": 0.0,
                             "string": ""}[kind])
    else:
        defaults = list(column_defaults)
        if len(defaults) != len(positions):
            raise ValueError(f"The number of `column_defaults` ({len(defaults)}) does not match the number of "
                             f"selected columns ({len(positions)})")
    rows = CsvDataset(paths, defaults, compression_type=compression_type, header=header, field_delim=field_delim,
                      use_quote_delim=use_quote_delim, na_value=na_value, select_cols=positions)
    if ignore_errors:
        rows = rows.ignore_errors()
    if shuffle:
        rows = rows.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    rows = rows.repeat(num_epochs)
    batches = rows.batch(batch_size, drop_remainder=num_epochs is None)

    def to_features(*columns):
        features = collections.OrderedDict(zip(names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label
    return batches.map(to_features)


def _column_index(column_names, name):
    if name not in column_names:
        raise ValueError(f"Column {name!r} in `select_columns` not found in `column_names`: {column_names}")
    return column_names.index(name)


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None, label_key=None,
                                  reader_args=None, num_epochs=None, shuffle=True, shuffle_buffer_size=10000,
                                  shuffle_seed=None, prefetch_buffer_size=None, reader_num_threads=None,
                                  parser_num_threads=None, sloppy_ordering=False, drop_final_batch=False):
    """TFRecord files of tf.train.Examples, batched and parsed (the reader defaults to TFRecordDataset)."""
    from tkeras.data.tfrecord import TFRecordDataset
    files = _files(file_pattern)
    records = (reader or TFRecordDataset)(files, *(reader_args or []))
    if shuffle:
        records = records.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    batches = records.repeat(num_epochs).batch(batch_size, drop_remainder=drop_final_batch)
    parsed = parse_example_dataset(features)(batches)
    if label_key is None:
        return parsed
    return parsed.map(lambda parsed_features: (
        {k: v for k, v in parsed_features.items() if k != label_key}, parsed_features[label_key]))
