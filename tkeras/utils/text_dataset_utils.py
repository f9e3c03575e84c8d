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

    def read_files(paths):
        return np.array([_read_text(path, max_length) for path in paths], dtype=str)

    return dataset_utils.directory_dataset(directory, read_files, "text files", ALLOWED_FORMATS, labels, label_mode,
                                           class_names, batch_size, shuffle, seed, validation_split, subset,
                                           follow_links, verbose)
