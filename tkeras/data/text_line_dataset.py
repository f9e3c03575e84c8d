"""`tf.data.TextLineDataset`: a source Dataset of the lines of text files, as the text tutorials read their
corpora (one review or one sentence pair per line)."""
import gzip
import os

import numpy as np

from tkeras.data.dataset import UNKNOWN_CARDINALITY, Dataset
from tkeras.data.dataset_names import named


def _line_element(raw):
    """A line as tkeras keeps text (NumPy str); a line that is not UTF-8 (a Latin-1 or CP949 corpus) stays
    bytes, as TensorFlow hands out every line, for the user's own `.decode(...)`."""
    try:
        return np.str_(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return np.array(raw, dtype=object)


def TextLineDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,  # noqa: N802
                    name=None):
    """The lines of one or more text files (without their line ends), file after file; a filenames
    Dataset (from `list_files`) works too. `compression_type="GZIP"` reads gzip files."""
    if compression_type not in (None, "", "GZIP"):
        raise ValueError(f"tf.data.TextLineDataset: compression_type must be None, '' or 'GZIP', received "
                         f"{compression_type!r}")
    if isinstance(filenames, Dataset):
        paths = lambda: [str(p) for p in filenames.as_numpy_iterator()]  # noqa: E731
    else:
        names = [filenames] if isinstance(filenames, (str, bytes, os.PathLike)) else list(np.asarray(filenames).ravel())
        paths = lambda: [n.decode() if isinstance(n, bytes) else str(n) for n in names]  # noqa: E731

    def iterate():
        for path in paths():
            opener = gzip.open if compression_type == "GZIP" else open
            with opener(path, "rb") as handle:
                for line in handle:
                    yield _line_element(line.rstrip(b"\r\n") if line.endswith(b"\n") else line)
    return named(Dataset(iterate, UNKNOWN_CARDINALITY), "TextLineDatasetV2")
