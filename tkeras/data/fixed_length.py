"""`tf.data.FixedLengthRecordDataset`: files of equal-sized binary records (CIFAR-10's .bin batches),
after skipping a header and before a footer; optionally GZIP or ZLIB compressed as a whole."""
import os

import numpy as np

from tkeras.data._errors import tf_error
from tkeras.data.tfrecord import _compression, _filenames, _open


def _records(path, record_bytes, header_bytes, footer_bytes, compression):
    if not compression:
        body = os.path.getsize(path) - header_bytes - footer_bytes if os.path.isfile(path) else 0
        if body % record_bytes:
            # TensorFlow refuses a body that is not whole records before reading any
            raise tf_error("InvalidArgumentError",
                           f"Excluding the header ({header_bytes} bytes) and footer ({footer_bytes} bytes), input "
                           f"file \"{path}\" has body length {body} bytes, which is not an exact multiple of the "
                           f"record length ({record_bytes} bytes).")
    handle = _open(path, compression)
    try:
        data = handle.read()
    finally:
        handle.close()
    end = len(data) - footer_bytes
    offset = header_bytes
    while offset + record_bytes <= end:
        yield np.array(data[offset:offset + record_bytes], dtype=object)
        offset += record_bytes


def FixedLengthRecordDataset(filenames, record_bytes, header_bytes=None, footer_bytes=None,  # noqa: N802
                             buffer_size=None, compression_type=None, num_parallel_reads=None, name=None):
    """Each record is a 0-d object array holding bytes, as TFRecordDataset's records are."""
    from tkeras.data.dataset import UNKNOWN_CARDINALITY, Dataset
    from tkeras.data.dataset_names import named
    record_bytes, header_bytes, footer_bytes = int(record_bytes), int(header_bytes or 0), int(footer_bytes or 0)
    if record_bytes <= 0 or header_bytes < 0 or footer_bytes < 0:
        raise ValueError("tf.data.FixedLengthRecordDataset: record_bytes must be positive and header_bytes / "
                         "footer_bytes non-negative")
    compression = _compression(compression_type, "tf.data.FixedLengthRecordDataset")
    paths = _filenames(filenames)

    def iterate():
        for path in paths():
            yield from _records(path, record_bytes, header_bytes, footer_bytes, compression)
    return named(Dataset(iterate, UNKNOWN_CARDINALITY), "FixedLengthRecordDatasetV2")
