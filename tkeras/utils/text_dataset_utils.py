"""`text_dataset_from_directory`: `.txt` files in class subfolders as a Dataset of (texts, labels).

    raw_train_ds = keras.utils.text_dataset_from_directory(
        "aclImdb/train", batch_size=32, validation_split=0.2, subset="training", seed=42)

(the IMDB sentiment tutorial, with `aclImdb/train/{neg,pos}`). Texts come out as NumPy string arrays,
which is how tkeras' Dataset carries text and what `TextVectorization` reads; files are read when
their batch is drawn. Listing, shuffling and the validation cut are `dataset_utils`' (shared with
images), so the same seed splits both kinds of folder the same way.
"""
import numpy as np

from tkeras.utils import dataset_utils

ALLOWED_FORMATS = (".txt",)


def _read_text(path, max_length):
    # TensorFlow reads raw bytes; undecodable bytes are replaced rather than failing a whole epoch.
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    return text if max_length is None else text[:max_length]


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A Dataset of `(texts, labels)` batches (just texts when `labels` or `label_mode` is None).

    Texts are a (batch,) string array, cut to `max_length` characters when given (TensorFlow cuts
    bytes; the two agree on ASCII text). Labels are encoded as in `image_dataset_from_directory`,
    and the result carries `class_names`. `subset='both'` returns `[training, validation]`.
    """
    dataset_utils.check_labels_arg(labels, class_names, "text")
    dataset_utils.check_label_mode(label_mode)
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int)
                                   or max_length <= 0):
        raise ValueError(f"`max_length` must be a positive integer or None, received max_length={max_length!r}")
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1e6)

    paths, label_array, class_names = dataset_utils.index_directory(
        directory, labels, ALLOWED_FORMATS, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"label_mode='binary' needs exactly 2 classes, found {len(class_names)}: "
                         f"class_names={class_names}")

    def build(subset_name, shuffled):
        part_paths, part_labels = dataset_utils.training_or_validation_split(
            paths, label_array, validation_split, subset_name, verbose)
        if not part_paths:
            what = f"{subset_name} text files" if subset_name and validation_split else "text files"
            raise ValueError(f"No {what} found in directory {directory}. Allowed format: {ALLOWED_FORMATS}")
        encoded = None if label_mode is None else dataset_utils.encode_labels(
            part_labels, label_mode, len(class_names))

        def load(indices):
            texts = np.array([_read_text(part_paths[i], max_length) for i in indices], dtype=str)
            return texts if encoded is None else (texts, encoded[indices])

        buffer = batch_size * 8 if batch_size is not None else 1024
        dataset = dataset_utils.indexed_dataset(len(part_paths), load, batch_size, shuffled, seed, buffer)
        dataset.class_names = class_names
        dataset.file_paths = list(part_paths)
        return dataset

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)
