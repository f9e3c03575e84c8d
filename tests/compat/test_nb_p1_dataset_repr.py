"""`print(ds)` shows TensorFlow's text, `<_BatchDataset element_spec=(TensorSpec(...), ...)>`: the class name
of the transformation that made the dataset and its element spec (Python Machine Learning 3rd ed.,
chapters 13 and 16). Reference: nb_p1_dataset_repr_reference.json, recorded from TensorFlow 2.21 by
make_nb_p1_dataset_repr_reference.py."""
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_p1_dataset_repr_reference.json")))


@pytest.mark.parametrize("case", sorted(k for k in REFERENCE if k != "<readers>"))
def test_dataset_repr_matches_tensorflow(case):
    scope = {"tf": tf, "np": np, "D": tf.data.Dataset, "b": tf.data.Dataset.range(6)}
    assert repr(eval(case, scope)) == REFERENCE[case]


def test_prefetch_labels_a_copy_and_leaves_its_source_as_it_was():
    ds = tf.data.Dataset.range(3)
    prefetched = ds.prefetch(tf.data.AUTOTUNE)
    assert repr(ds).startswith("<_RangeDataset ") and repr(prefetched).startswith("<_PrefetchDataset ")
    assert [int(v) for v in prefetched] == [0, 1, 2]


def test_file_readers_print_as_tensorflow_s_reader_classes(tmp_path):
    path = str(tmp_path / "data.txt")
    with tf.io.TFRecordWriter(path) as writer:
        writer.write(b"line")
    (tmp_path / "lines.txt").write_text("first\nsecond\n")
    readers = {"TextLineDataset": tf.data.TextLineDataset([str(tmp_path / "lines.txt")]),
               "TFRecordDataset": tf.data.TFRecordDataset([path]),
               "FixedLengthRecordDataset": tf.data.FixedLengthRecordDataset([path], 1)}
    assert {name: repr(reader) for name, reader in readers.items()} == REFERENCE["<readers>"]
