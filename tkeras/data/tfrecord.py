"""TFRecord files: `tf.io.TFRecordWriter` and `tf.data.TFRecordDataset` without TensorFlow.

Each record is framed as an 8-byte little-endian length, the masked CRC-32C of those 8 bytes, the
data, and the masked CRC-32C of the data (`_crc32c.py`); a whole file may be GZIP or ZLIB compressed.
Both CRCs are checked on every read: a flipped bit fails loudly, naming the file and offset, instead of
feeding a model garbage.

Records come out of a dataset as 0-d NumPy object arrays holding Python bytes. NumPy's fixed-width
bytes type ('S') drops trailing NUL bytes, and a serialized Example often ends with one (an int64 0).
"""
import gzip
import os
import struct
import zlib

import numpy as np

from tkeras.data._crc32c import masked_crc32c
from tkeras.data._errors import tf_error

_COMPRESSIONS = {None: "", "": "", "NONE": "", "GZIP": "GZIP", "ZLIB": "ZLIB"}
_HEADER = struct.Struct("<QI")


def _compression(value, api):
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    key = value.upper() if isinstance(value, str) else value
    if key not in _COMPRESSIONS:
        raise ValueError(f"{api}: `compression_type` must be None, '', 'GZIP' or 'ZLIB' (or a TFRecordOptions), "
                         f"received {value!r}")
    return _COMPRESSIONS[key]


class TFRecordOptions:
    """`tf.io.TFRecordOptions`: which compression a TFRecord file uses (the zlib tuning knobs are kept
    for scripts that pass them; `compression_level` is honoured)."""

    compression_type_map = {"ZLIB": "ZLIB", "GZIP": "GZIP", "": ""}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None, output_buffer_size=None,
                 window_bits=None, compression_level=None, compression_method=None, mem_level=None,
                 compression_strategy=None):
        self.compression_type = _compression(compression_type, "tf.io.TFRecordOptions")
        if compression_level is not None and not -1 <= int(compression_level) <= 9:
            raise ValueError(f"tf.io.TFRecordOptions: `compression_level` must be in [-1, 9], received "
                             f"{compression_level!r}")
        self.compression_level = -1 if compression_level is None else int(compression_level)
        self.flush_mode, self.input_buffer_size, self.output_buffer_size = flush_mode, input_buffer_size, \
            output_buffer_size
        self.window_bits, self.compression_method, self.mem_level = window_bits, compression_method, mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options):
        return "" if options is None else _compression(options, "TFRecordOptions.get_compression_type_string")


def _path(filename, api, argument="path"):
    """A path given as str, PathLike, bytes or a 0-d string array (what tf.data hands a map function)."""
    if isinstance(filename, np.ndarray) and filename.ndim == 0:
        filename = filename[()]
    if isinstance(filename, (bytes, np.bytes_)):
        filename = bytes(filename).decode("utf-8")
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"{api}: `{argument}` must be a file path string, received {type(filename).__name__}")
    return os.fspath(filename)


def _as_record(record, api):
    if isinstance(record, np.ndarray) and record.ndim == 0:
        record = record[()]
    if hasattr(record, "SerializeToString") and not isinstance(record, (bytes, str)):
        raise TypeError(f"{api}: `record` must be bytes; call .SerializeToString() on the "
                        f"{type(record).__name__} first")
    if isinstance(record, str):
        return record.encode("utf-8")  # TensorFlow's string tensors hold str as UTF-8
    if isinstance(record, (bytes, bytearray, memoryview)):
        return bytes(record)
    raise TypeError(f"{api}: `record` must be bytes, received {type(record).__name__}")


class TFRecordWriter:
    """Appends framed records to a new file; use as a context manager or call close()."""

    def __init__(self, path, options=None):
        self._path = _path(path, "tf.io.TFRecordWriter")
        self._compression = _compression(options, "tf.io.TFRecordWriter")
        level = options.compression_level if isinstance(options, TFRecordOptions) else -1
        self._file = open(self._path, "wb")
        self._deflate = None
        if self._compression:  # wbits 31: a gzip wrapper; 15: a zlib one (same as TensorFlow's output)
            self._deflate = zlib.compressobj(level, zlib.DEFLATED, 31 if self._compression == "GZIP" else 15)

    def _put(self, data):
        if self._file is None:
            raise ValueError(f"tf.io.TFRecordWriter: the writer for {self._path} is closed")
        self._file.write(self._deflate.compress(data) if self._deflate else data)

    def write(self, record):
        data = _as_record(record, "tf.io.TFRecordWriter.write")
        length = struct.pack("<Q", len(data))
        self._put(length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data)))

    def flush(self):
        if self._file is None:
            raise ValueError(f"tf.io.TFRecordWriter: the writer for {self._path} is closed")
        if self._deflate:
            self._file.write(self._deflate.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self):
        if self._file is None:
            return
        if self._deflate:
            self._file.write(self._deflate.flush(zlib.Z_FINISH))
        self._file.close()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class _ZlibReader:
    """read(n) over a zlib-wrapped file, inflating as needed (gzip has gzip.open; zlib has no opener)."""

    def __init__(self, handle, chunk=1 << 18):
        self._handle, self._chunk = handle, chunk
        self._inflate = zlib.decompressobj(15)
        self._buffer = bytearray()

    def read(self, n):
        while len(self._buffer) < n:
            raw = self._handle.read(self._chunk)
            if not raw:
                self._buffer += self._inflate.flush()
                break
            self._buffer += self._inflate.decompress(raw)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def close(self):
        self._handle.close()


def _open(path, compression):
    if not os.path.isfile(path):
        raise tf_error("NotFoundError", f"{path}; No such file or directory")
    if compression == "GZIP":
        return gzip.open(path, "rb")
    if compression == "ZLIB":
        return _ZlibReader(open(path, "rb"))
    return open(path, "rb", buffering=1 << 18)


def read_records(path, compression=""):
    """The data of each record in one file, CRCs checked."""
    handle = _open(path, compression)

    def data_loss(_node, _op, message):
        return tf_error("DataLossError", message)
    offset = 0
    try:
        while True:
            try:
                header = handle.read(12)
            except (OSError, EOFError, zlib.error) as error:
                raise data_loss(None, None, f"corrupted compressed data in {path}: {error}") from None
            if not header:
                return
            if len(header) < 12:
                raise data_loss(None, None, f"truncated record at {offset} in {path}: the file ends inside a "
                                            f"record header")
            length, length_crc = _HEADER.unpack(header)
            if masked_crc32c(header[:8]) != length_crc:
                raise data_loss(None, None, f"corrupted record at {offset} in {path}: the length's CRC does "
                                            f"not match")
            try:
                body = handle.read(length + 4)
            except (OSError, EOFError, zlib.error) as error:
                raise data_loss(None, None, f"corrupted compressed data in {path}: {error}") from None
            if len(body) < length + 4:
                raise data_loss(None, None, f"truncated record at {offset} in {path}: {length} bytes of data "
                                            f"announced, {max(len(body) - 4, 0)} present")
            data = body[:length]
            if masked_crc32c(data) != struct.unpack("<I", body[length:])[0]:
                raise data_loss(None, None, f"corrupted record at {offset + 12} in {path}: the data's CRC "
                                            f"does not match")
            yield data
            offset += 12 + length + 4
    finally:
        handle.close()


def tf_record_iterator(path, options=None):
    """TensorFlow 1's reader: the records of one file as bytes, without a Dataset."""
    return read_records(_path(path, "tf.io.tf_record_iterator"), _compression(options, "tf.io.tf_record_iterator"))


def _filenames(filenames):
    from tkeras.data.dataset import Dataset
    if isinstance(filenames, Dataset):
        return lambda: [_path(p, "tf.data.TFRecordDataset") for p in filenames.as_numpy_iterator()]
    if isinstance(filenames, (str, bytes, os.PathLike)):
        names = [filenames]
    elif isinstance(filenames, (list, tuple, np.ndarray)):
        names = list(np.asarray(filenames, dtype=object).ravel())
    else:
        raise TypeError(f"tf.data.TFRecordDataset: `filenames` must be a path, a list of paths or a Dataset of "
                        f"paths, received {type(filenames).__name__}")
    paths = [_path(n, "tf.data.TFRecordDataset") for n in names]
    return lambda: paths


def TFRecordDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,  # noqa: N802
                    name=None):
    """The records of one or more TFRecord files. With num_parallel_reads > 1 the files are read in an
    interleaved round robin, one record from each in turn, which is the order TensorFlow's
    deterministic parallel reading gives."""
    from tkeras.data.dataset import AUTOTUNE, UNKNOWN_CARDINALITY, Dataset
    from tkeras.data.dataset_names import named
    compression = _compression(compression_type, "tf.data.TFRecordDataset")
    if buffer_size is not None and int(buffer_size) < 0:
        raise ValueError(f"tf.data.TFRecordDataset: `buffer_size` must be >= 0, received {buffer_size!r}")
    if num_parallel_reads is not None and num_parallel_reads != AUTOTUNE and int(num_parallel_reads) <= 0:
        raise ValueError(f"tf.data.TFRecordDataset: `num_parallel_reads` must be positive or AUTOTUNE, received "
                         f"{num_parallel_reads!r}")
    paths = _filenames(filenames)

    def one_file(path):
        return (np.array(record, dtype=object) for record in read_records(path, compression))

    cycle = 1 if num_parallel_reads is None else (
        (os.cpu_count() or 1) if num_parallel_reads == AUTOTUNE else int(num_parallel_reads))

    def iterate():
        if cycle == 1:
            for path in paths():
                yield from one_file(path)
            return
        pending, active = list(paths()), []
        while pending or active:
            while pending and len(active) < cycle:
                active.append(one_file(pending.pop(0)))
            index = 0
            while index < len(active):
                record = next(active[index], None)
                if record is None:
                    del active[index]
                    if pending:  # the next file takes the finished one's turn
                        active.insert(index, one_file(pending.pop(0)))
                    continue
                yield record
                index += 1
    return named(Dataset(iterate, UNKNOWN_CARDINALITY), "TFRecordDatasetV2")


def experimental_writer(filename, compression_type=None):
    """`tf.data.experimental.TFRecordWriter(filename).write(dataset)`: a dataset of records to one file."""
    return _DatasetWriter(filename, compression_type)


class _DatasetWriter:
    def __init__(self, filename, compression_type=None):
        self._path = _path(filename, "tf.data.experimental.TFRecordWriter")
        self._compression = _compression(compression_type, "tf.data.experimental.TFRecordWriter")

    def write(self, dataset):
        with TFRecordWriter(self._path, self._compression or None) as writer:
            for record in dataset._iterate():
                if isinstance(record, tuple):
                    raise TypeError("tf.data.experimental.TFRecordWriter.write: `dataset` must yield single "
                                    "string records, not tuples")
                writer.write(record)
