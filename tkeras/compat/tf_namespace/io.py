"""`tf.io`: reading whole files for tf.data pipelines (`read_file` then `tf.io.decode_image`),
`tf.io.gfile`, TensorFlow's file-system helpers, on local paths, and the TFRecord side of input
pipelines: writing records (`TFRecordWriter`, in `tkeras/data/tfrecord.py`), parsing serialized
Examples (`_parsing.py`) and the byte decoders map functions use (`_tensor_codec.py`)."""
import glob as _glob
import os
import shutil

import numpy as np

from tkeras.compat.tf_namespace._parsing import (  # noqa: F401 - tf.io's names
    FixedLenFeature, FixedLenSequenceFeature, RaggedFeature, VarLenFeature, parse_example, parse_single_example,
    parse_single_sequence_example,
)
from tkeras.compat.tf_namespace._tensor_codec import (  # noqa: F401
    decode_base64, decode_compressed, decode_csv, decode_raw, encode_base64, parse_tensor, serialize_tensor,
)
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.data.tfrecord import TFRecordOptions, TFRecordWriter, tf_record_iterator  # noqa: F401
from tkeras.data.tfrecord import _path as file_path
from tkeras.data.text_face import BytesScalar
from tkeras.compat.tf_namespace.image._codecs import (  # noqa: F401 - tf.io re-exports them
    decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png,
)


def _path(filename, api):
    return file_path(filename, f"tf.io.{api}", "filename")


def read_file(filename, name=None):
    """A file's whole contents as bytes (a scalar string tensor in TensorFlow)."""
    path = _path(filename, "read_file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"tf.io.read_file: no such file: {path}")
    with open(path, "rb") as handle:
        return BytesScalar(handle.read())


def write_file(filename, contents, name=None):
    data = contents[()] if isinstance(contents, np.ndarray) else contents
    with open(_path(filename, "write_file"), "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else bytes(data))


def _makedirs(path):
    os.makedirs(path, exist_ok=True)


def _rmtree(path):
    shutil.rmtree(path)


gfile = Namespace(
    "tf.io.gfile", exists=os.path.exists, isdir=os.path.isdir, listdir=os.listdir, makedirs=_makedirs,
    mkdir=os.mkdir, remove=os.remove, rmtree=_rmtree, rename=os.replace, copy=shutil.copy,
    glob=lambda pattern: sorted(_glob.glob(pattern)), GFile=open,
)


class TFRecordCompressionType:
    """TensorFlow 1's compression constants, still accepted by TFRecordOptions."""
    NONE, ZLIB, GZIP = "", "ZLIB", "GZIP"


from tkeras.compat.tf_namespace.image._jpeg import (  # noqa: E402,F401 - tf.io re-exports them
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_webp, extract_jpeg_shape, is_jpeg,
)


def matching_files(pattern, name=None):
    """The sorted paths a glob pattern (or several) matches, as a 1-D string array."""
    patterns = np.asarray(pattern).reshape(-1).tolist()
    found = []
    for one in patterns:
        one = one.decode("utf-8") if isinstance(one, bytes) else str(one)
        found += _glob.glob(one)
    return np.asarray(sorted(set(found)), dtype=object).astype(str)


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    raise NotImplementedError("tf.io.write_graph is not supported in tkeras: there is no TensorFlow graph; save "
                              "the model with model.save('m.keras') or model.export(path, format='onnx')")


__getattr__ = module_getattr("tf.io")
