"""Where a dataset file comes from: an explicit path, the local dataset folders, or its Keras URL.

See `tkeras.utils.file_utils` for the search order. Every loader names its canonical file and
Keras' hash here, so the download path (which cannot run offline) is the same real code for all.
"""
import json
import os

from tkeras.utils.file_utils import get_file

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def dataset_file(path, canonical_name, file_hash=None, origin=None, cache_subdir="datasets"):
    """Local path of a dataset file, downloading it only when no local copy exists.

    `path` is what the user passed to `load_data`: a bare file name is looked up in the dataset
    folders; a path with a folder part is used if it exists. The canonical URL (and its hash) is
    used only for the canonical file name, so a custom name is never checked against Keras' hash.
    """
    path = os.fspath(path if path is not None else canonical_name)
    if origin is None:
        origin = KERAS_ORIGIN + canonical_name
    if os.path.basename(path) != canonical_name:
        if os.path.isfile(path):
            return path
        return get_file(path, origin=None, cache_subdir=cache_subdir)
    return get_file(path, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir)


def load_json_file(path):
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except ValueError as error:
        raise ValueError(f"{path}: not valid JSON, the file is corrupt or truncated ({error}). "
                         f"Delete it and download it again.") from error


def pop_keras1_num_words(kwargs, num_words, where):
    """Keras 1 called `num_words` `nb_words`; accept it, refuse anything else unknown."""
    if "nb_words" in kwargs:
        import warnings
        warnings.warn(f"{where}: the `nb_words` argument has been renamed `num_words`.", stacklevel=3)
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"{where}: unrecognized keyword arguments: {sorted(kwargs)}")
    if num_words is not None and (isinstance(num_words, bool) or not isinstance(num_words, int) or num_words < 1):
        raise ValueError(f"{where}: `num_words` must be None or an integer >= 1, received {num_words!r}")
    return num_words
