"""`tf.data.TextLineDataset`: a source Dataset of the lines of text files, as the text tutorials read their
corpora (one review or one sentence pair per line)."""
import gzip
import os

import numpy as np

from tkeras.data.dataset import UNKNOWN_CARDINALITY, Dataset


def TextLineDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,  # noqa: N802
                    name=None):
    """The lines of one or more text files (UTF-8, without their line ends), file after file; a filenames
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
            with opener(path, "rt", encoding="utf-8", newline="") as handle:
                for line in handle:
                    yield np.str_(line.rstrip("\r\n") if line.endswith("\n") else line)
    return Dataset(iterate, UNKNOWN_CARDINALITY)
