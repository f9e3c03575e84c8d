"""What the `*_dataset_from_*` builders share, and `split_dataset`.

Keras' directory datasets all follow one recipe: list `directory/<class>/...` files in a fixed order,
shuffle that list once with the seed, then cut the *last* `validation_split` fraction off as the
validation subset. Because the cut happens after the seeded shuffle, calling twice with the same seed
(once with subset='training', once with 'validation') gives two disjoint subsets that cover every
file. The helpers here hold that recipe, so image and text datasets cannot drift apart.
"""
import os
import random
import sys

import numpy as np

_SUBSETS = ("training", "validation", "both")


# -- argument checks ---------------------------------------------------------------------------------
def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Reject split settings that would silently give overlapping or empty subsets."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be a float between 0 and 1 (exclusive), "
                         f"received validation_split={validation_split!r}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(f"`subset` and `validation_split` go together: set both or neither "
                         f"(received validation_split={validation_split!r}, subset={subset!r})")
    if subset not in _SUBSETS + (None,):
        raise ValueError(f"`subset` must be 'training', 'validation' or 'both', received subset={subset!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError("`validation_split` with `shuffle=True` needs a `seed`: the training and validation "
                         "calls must shuffle the files the same way, or the two subsets would overlap")


def check_label_mode(label_mode):
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f"`label_mode` must be 'int', 'categorical', 'binary' or None, "
                         f"received label_mode={label_mode!r}")


def check_labels_arg(labels, class_names, what):
    if not (labels is None or isinstance(labels, (list, tuple)) or (isinstance(labels, str) and labels == "inferred")):
        raise ValueError(f"`labels` must be 'inferred' (class names from the subfolder names), None (no "
                         f"labels) or a list/tuple with one integer label per {what} file in sorted "
                         f"path order; received {type(labels).__name__}")
    if class_names is not None and not (isinstance(labels, str) and labels == "inferred"):
        raise ValueError(f"`class_names` can only be passed with labels='inferred' (it picks and orders the "
                         f"subfolders); received labels={labels!r}")


# -- listing files -----------------------------------------------------------------------------------
def _files_below(folder, formats, follow_links):
    """Matching files below `folder`, in Keras' order: folders sorted by their full path as a string,
    files sorted within each folder (so the order does not depend on the file system's listing)."""
    found = []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0]):
        found += [os.path.join(root, name) for name in sorted(files) if name.lower().endswith(formats)]
    return found


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """(file paths, integer labels or None, class names), in Keras' order.

    With labels='inferred' each visible subfolder of `directory` is a class, in sorted order (or the
    order of `class_names`, which may pick a subset); otherwise every matching file below `directory`
    counts, and explicit `labels` pair with the files in sorted path order.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"`directory` must be an existing folder, received directory={directory!r}")
    inferred = isinstance(labels, str) and labels == "inferred"
    if inferred:
        folders = sorted(entry for entry in os.listdir(directory)
                         if not entry.startswith(".") and os.path.isdir(os.path.join(directory, entry)))
        if class_names is not None:
            missing = [name for name in class_names if name not in folders]
            if missing:
                raise ValueError(f"`class_names` must name subfolders of {directory}: found {folders}, "
                                 f"but class_names={list(class_names)} also has {missing}")
            folders = list(class_names)
    else:
        folders = [""]  # the folder itself, walked recursively, with no class structure
    paths, indices = [], []
    for index, folder in enumerate(folders):
        found = _files_below(os.path.join(directory, folder), formats, follow_links)
        paths += found
        indices += [index] * len(found)

    if inferred:
        class_names = folders
        label_array = np.array(indices, dtype="int32")
    elif labels is None:
        class_names, label_array = None, None
    else:
        if len(labels) != len(paths):
            raise ValueError(f"`labels` must have one entry per file: len(labels) is {len(labels)}, but "
                             f"{len(paths)} files were found in {directory}")
        label_array = np.asarray(labels)
        class_names = [str(label) for label in np.unique(label_array)]

    if verbose:
        if label_array is None:
            print(f"Found {len(paths)} files.")
        else:
            print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        # One permutation for paths and labels; the seed makes training/validation calls agree.
        order = np.random.RandomState(np.random.randint(1e6) if seed is None else seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        label_array = None if label_array is None else label_array[order]
    return paths, label_array, class_names


def training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """The subset's share of (already shuffled) samples: validation is the last fraction."""
    if not validation_split:
        return samples, labels
    n_val = int(validation_split * len(samples))
    if subset == "training":
        keep = slice(0, len(samples) - n_val)
        if verbose:
            print(f"Using {len(samples) - n_val} files for training.")
    elif subset == "validation":
        keep = slice(len(samples) - n_val, len(samples))
        if verbose:
            print(f"Using {n_val} files for validation.")
    else:
        raise ValueError(f"`subset` must be 'training' or 'validation' here, received subset={subset!r}")
    return samples[keep], None if labels is None else labels[keep]


def encode_labels(labels, label_mode, num_classes):
    """Integer labels as Keras hands them to the loss: int32, one-hot float32, or (n, 1) float32."""
    if label_mode == "int":
        return labels.astype("int32")
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    raise ValueError(f"`label_mode` must be 'int', 'categorical' or 'binary', received label_mode={label_mode!r}")


def indexed_dataset(count, load, batch_size, shuffle, seed, shuffle_buffer):
    """A Dataset over `count` samples built by `load(indices) -> batch`, batched and shuffled as Keras.

    Only indices go through the pipeline (shuffle buffer, batching), and the files behind a batch are
    read when the batch is drawn, so a folder of 25,000 images is never held in memory at once.
    """
    from tkeras.data import Dataset

    dataset = Dataset.from_tensor_slices(np.arange(count, dtype="int64"))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
        return dataset.map(lambda index: load(index.numpy()))
    return dataset.map(lambda index: _first_of_batch(load(index.numpy()[None])))


def _first_of_batch(batch):
    if isinstance(batch, tuple):
        return tuple(part[0] for part in batch)
    return batch[0]


# -- split_dataset -----------------------------------------------------------------------------------
def _samples(dataset):
    """The dataset as (number of samples, take(indices) -> stacked structure)."""
    from tkeras.data import Dataset

    if isinstance(dataset, Dataset):
        elements = list(dataset.as_numpy_iterator())
        if not elements:
            raise ValueError("split_dataset: the dataset is empty; there is nothing to split")
        first = elements[0]
        if isinstance(first, dict):
            columns = {key: np.stack([e[key] for e in elements]) for key in first}
        elif isinstance(first, tuple):
            columns = tuple(np.stack([e[i] for e in elements]) for i in range(len(first)))
        else:
            columns = np.stack(elements)
    elif isinstance(dataset, np.ndarray):
        columns = dataset
    elif isinstance(dataset, (list, tuple)) and all(hasattr(part, "__len__") for part in dataset) and dataset:
        columns = tuple(np.asarray(part) for part in dataset)
    elif isinstance(dataset, dict) and dataset:
        columns = {key: np.asarray(value) for key, value in dataset.items()}
    else:
        raise TypeError(f"split_dataset: `dataset` must be a tf.data.Dataset, a NumPy array, or a "
                        f"list/tuple/dict of arrays of equal length; received {type(dataset).__name__}")
    parts = list(columns.values()) if isinstance(columns, dict) else (
        list(columns) if isinstance(columns, tuple) else [columns])
    lengths = {len(part) for part in parts}
    if len(lengths) != 1:
        raise ValueError(f"split_dataset: every array must have the same length (one row per sample), "
                         f"received lengths {sorted(lengths)}")

    def take(indices):
        if isinstance(columns, dict):
            return {key: value[indices] for key, value in columns.items()}
        if isinstance(columns, tuple):
            return tuple(part[indices] for part in columns)
        return columns[indices]
    return lengths.pop(), take


def _split_sizes(left_size, right_size, total):
    """Both sizes as sample counts (a float is a fraction of `total`; a missing side takes the rest)."""
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: give `left_size`, `right_size` or both (received neither)")
    sizes = {}
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, (int, float, np.integer, np.floating)):
            raise TypeError(f"split_dataset: `{name}` must be an int (a number of samples) or a float (a "
                            f"fraction), received {size!r} of type {type(size).__name__}")
        if isinstance(size, (float, np.floating)):
            if not 0 < size < 1:
                raise ValueError(f"split_dataset: a float `{name}` is a fraction and must lie in (0, 1), "
                                 f"received {name}={size}")
            sizes[name] = round(float(size) * total)
        else:
            if not 0 < size <= total:
                raise ValueError(f"split_dataset: an int `{name}` must be between 1 and the dataset's "
                                 f"length {total}, received {name}={size}")
            sizes[name] = int(size)
    left = sizes.get("left_size", total - sizes.get("right_size", 0))
    right = sizes.get("right_size", total - left)
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size ({left} + {right} samples) is more than the "
                         f"dataset's length {total}")
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(f"split_dataset: with {total} samples, left_size={left_size!r} and "
                             f"right_size={right_size!r} leave the {side} split empty")
    return left, right


_BACKENDS = ("tensorflow", "jax", "numpy", "torch")


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Two Datasets: the first `left_size` samples and the last `right_size` samples.

    Sizes are counts (int) or fractions (float); a missing side takes what the other leaves. If the two
    sizes add up to less than the whole, the samples in between belong to neither split. A Dataset is
    split element by element, so split an unbatched one and batch the two halves afterwards.

    `preferred_backend` picks the kind of the two halves, as in Keras 3: "torch" gives
    `torch.utils.data.Dataset`s (for a DataLoader), any other backend tkeras' `tf.data`-style Dataset.
    Left as None it follows the input: a torch Dataset is split into torch Datasets, anything else
    into tkeras Datasets (Keras would pick its own backend for arrays; tkeras keeps the Dataset its
    users already get).
    """
    from tkeras.data import Dataset

    if preferred_backend is not None and preferred_backend not in _BACKENDS:
        raise ValueError(f"split_dataset: `preferred_backend` must be None or one of {list(_BACKENDS)}, "
                         f"received preferred_backend={preferred_backend!r}")
    if _is_torch_dataset(dataset):
        if preferred_backend not in (None, "torch"):
            raise ValueError(f"split_dataset: a torch.utils.data.Dataset splits only into torch Datasets; "
                             f"received preferred_backend={preferred_backend!r} (use None or 'torch')")
        return _split_torch(dataset, len(dataset), left_size, right_size, shuffle, seed)
    total, take = _samples(dataset)
    if preferred_backend == "torch":
        import torch
        from torch.utils.data import TensorDataset

        columns = take(np.arange(total))
        if isinstance(columns, dict):
            raise TypeError("split_dataset: preferred_backend='torch' needs an array or a tuple of arrays "
                            "(a torch TensorDataset has no named columns); received a dict")
        columns = columns if isinstance(columns, tuple) else (columns,)
        tensors = TensorDataset(*(torch.from_numpy(np.ascontiguousarray(part)) for part in columns))
        return _split_torch(tensors, total, left_size, right_size, shuffle, seed)
    head, tail = _split_indices(total, left_size, right_size, shuffle, seed)
    return (Dataset.from_tensor_slices(take(np.array(head, dtype="int64"))),
            Dataset.from_tensor_slices(take(np.array(tail, dtype="int64"))))


def _is_torch_dataset(dataset):
    torch_data = sys.modules.get("torch.utils.data")  # no torch import just to say "not a torch Dataset"
    return torch_data is not None and isinstance(dataset, torch_data.Dataset)


def _split_indices(total, left_size, right_size, shuffle, seed):
    """The sample indices of the two halves: head and tail of the order, in order unless shuffled."""
    left, right = _split_sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(order)
    return order[:left], order[total - right:]


def _split_torch(dataset, total, left_size, right_size, shuffle, seed):
    """The same cut as for a tkeras Dataset, as torch Subsets."""
    from torch.utils.data import Subset

    head, tail = _split_indices(total, left_size, right_size, shuffle, seed)
    return Subset(dataset, head), Subset(dataset, tail)


def directory_dataset(directory, read_files, kind, formats, labels, label_mode, class_names, batch_size, shuffle,
                      seed, validation_split, subset, follow_links, verbose):
    """What image_ and text_dataset_from_directory share once their own arguments are checked: list
    the files (labels from sub-folders), cut the training/validation subset, encode the labels, and
    read each batch's files with `read_files(paths) -> array` only when the batch is drawn."""
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1e6)
    paths, label_array, class_names = index_directory(
        directory, labels, formats, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"label_mode='binary' needs exactly 2 classes, found {len(class_names)}: "
                         f"class_names={class_names}")

    def build(subset_name, shuffled):
        part_paths, part_labels = training_or_validation_split(paths, label_array, validation_split, subset_name,
                                                               verbose)
        if not part_paths:
            what = f"{subset_name} {kind}" if subset_name and validation_split else kind
            raise ValueError(f"No {what} found in directory {directory}. Allowed formats: {formats}")
        encoded = None if label_mode is None else encode_labels(part_labels, label_mode, len(class_names))

        def load(indices):
            x = read_files([part_paths[i] for i in indices])
            return x if encoded is None else (x, encoded[indices])

        buffer = batch_size * 8 if batch_size is not None else 1024
        dataset = indexed_dataset(len(part_paths), load, batch_size, shuffled, seed, buffer)
        dataset.class_names = class_names
        dataset.file_paths = list(part_paths)
        return dataset

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)
