"""TFRecord pipelines without TensorFlow: files, Examples and parse results checked against files and
results real TensorFlow 2.21 made (tests/fixtures/make_tfrecord_reference.py)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf
from tkeras.data._crc32c import crc32c

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tfrecord_reference")
REF = json.load(open(os.path.join(HERE, "reference.json")))
RECORDS = [bytes.fromhex(h) for h in REF["examples_hex"]]
SPEC = {
    "id": tf.io.FixedLenFeature([], tf.int64),
    "score": tf.io.FixedLenFeature([], tf.float32, default_value=-1.0),
    "name": tf.io.FixedLenFeature([], tf.string),
    "vec": tf.io.FixedLenFeature([3], tf.float32),
    "tags": tf.io.VarLenFeature(tf.string),
    "ids": tf.io.VarLenFeature(tf.int64),
}
FILES = [("plain.tfrecord", None), ("gzip.tfrecord.gz", "GZIP"), ("zlib.tfrecord.z", "ZLIB")]


def feature(kind, values):
    if kind == "int64":
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    if kind == "float":
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[bytes.fromhex(v) for v in values]))


def examples():
    return [tf.train.Example(features=tf.train.Features(feature={k: feature(*v) for k, v in spec.items()}))
            for spec in REF["examples"]]


def encode(value):
    """A parse result in the reference's JSON form (bytes as hex)."""
    if isinstance(value, tf.SparseTensor):
        return {"indices": value.indices.numpy().tolist(), "values": encode(value.values),
                "dense_shape": value.dense_shape.numpy().tolist()}
    if isinstance(value, bytes) or (isinstance(value, np.ndarray) and value.dtype == object):
        array = np.asarray(value.numpy(), dtype=object)
        data = np.vectorize(lambda b: b.hex(), otypes=[object])(array).tolist() if array.size else array.tolist()
        return {"dtype": "string", "shape": list(array.shape), "data": data}
    array = value.numpy()
    return {"dtype": str(array.dtype), "shape": list(array.shape), "data": array.tolist()}


def test_crc32c_known_value_and_long_inputs_agree_with_the_byte_loop():
    from tkeras.data._crc32c import _raw_loop
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    rng = np.random.default_rng(0)
    for n in (0, 1, 2047, 2048, 4099, 70001):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert crc32c(data) == _raw_loop(0xFFFFFFFF, data) ^ 0xFFFFFFFF


def test_examples_serialize_to_tensorflows_bytes_and_parse_back():
    for example, hexed in zip(examples(), REF["examples_hex"]):
        assert example.SerializeToString().hex() == hexed
        again = tf.train.Example.FromString(bytes.fromhex(hexed))
        assert again.SerializeToString().hex() == hexed and again == example
    first = tf.train.Example.FromString(RECORDS[0])
    assert list(first.features.feature["ids"].int64_list.value) == [1, -2, 300000000000]
    assert first.features.feature["vec"].float_list.value == [1.0, 2.5, -3.25]
    assert first.features.feature["name"].WhichOneof("kind") == "bytes_list"
    single = tf.train.Example(features=tf.train.Features(feature={"only": tf.train.Feature(
        float_list=tf.train.FloatList(value=[1.5, 2.0]))}))
    assert single.SerializeToString().hex() == REF["single_feature_hex"]
    assert tf.train.Example().SerializeToString().hex() == REF["empty_example_hex"]
    sequence = tf.train.SequenceExample.FromString(bytes.fromhex(REF["sequence_hex"]))
    assert sequence.SerializeToString().hex() == REF["sequence_hex"]
    assert len(sequence.feature_lists.feature_list["tokens"].feature) == 3


def test_example_presence_rules_and_bad_values():
    example = tf.train.Example()
    assert not example.HasField("features") and example.SerializeToString() == b""
    example.features.feature["x"].int64_list.value.append(3)  # a chain of unset messages becomes set
    assert example.SerializeToString().hex() == "0a0c0a0a0a017812051a030a0103"
    plain = tf.train.Feature()
    _ = plain.int64_list  # reading alone sets nothing
    assert plain.WhichOneof("kind") is None and plain.SerializeToString() == b""
    with pytest.raises(TypeError, match="expected bytes, str found"):
        tf.train.BytesList(value=["text"])
    with pytest.raises(TypeError):
        tf.train.Int64List(value=[1.5])
    with pytest.raises(ValueError, match="out of range"):
        tf.train.Int64List(value=[2 ** 63])
    with pytest.raises(TypeError, match="unexpected keyword argument 'feature'"):
        tf.train.Example(feature={})


@pytest.mark.parametrize("name,compression", FILES)
def test_reads_tensorflows_files_and_writes_identical_ones(tmp_path, name, compression):
    path = os.path.join(HERE, name)
    records = [r.numpy() for r in tf.data.TFRecordDataset(path, compression_type=compression)]
    assert records == RECORDS
    assert [bytes(r) for r in tf.io.tf_record_iterator(path, options=compression)] == RECORDS
    out = str(tmp_path / name)
    options = tf.io.TFRecordOptions(compression_type=compression) if compression else None
    with tf.io.TFRecordWriter(out, options=options) as writer:
        for example in examples():
            writer.write(example.SerializeToString())
    assert open(out, "rb").read() == open(path, "rb").read()


def test_parse_results_match_tensorflow():
    for record, want in zip(RECORDS, REF["parse_single"]):
        parsed = tf.io.parse_single_example(record, SPEC)
        assert {k: encode(v) for k, v in parsed.items()} == want
    batch = tf.io.parse_example(RECORDS, SPEC)
    assert {k: encode(v) for k, v in batch.items()} == REF["parse_batch"]
    context, lists = tf.io.parse_single_sequence_example(
        bytes.fromhex(REF["sequence_hex"]),
        context_features={"length": tf.io.FixedLenFeature([], tf.int64),
                          "label": tf.io.FixedLenFeature([], tf.string)},
        sequence_features={"frames": tf.io.FixedLenSequenceFeature([2], tf.float32),
                           "tokens": tf.io.VarLenFeature(tf.int64)})
    assert {"context": {k: encode(v) for k, v in context.items()},
            "sequence": {k: encode(v) for k, v in lists.items()}} == REF["sequence_parsed"]


def tf_message(key):
    return REF[key]["message"].split("}} ", 1)[1]


def test_parse_errors_are_tensorflows():
    strict = dict(SPEC, score=tf.io.FixedLenFeature([], tf.float32))
    cases = [("error_missing", lambda: tf.io.parse_single_example(RECORDS[2], strict)),
             ("error_length", lambda: tf.io.parse_single_example(
                 RECORDS[0], {"vec": tf.io.FixedLenFeature([4], tf.float32)})),
             ("error_type", lambda: tf.io.parse_single_example(
                 RECORDS[0], {"id": tf.io.FixedLenFeature([], tf.float32)}))]
    for key, call in cases:
        assert REF[key]["type"] == "InvalidArgumentError"
        with pytest.raises(tf.errors.InvalidArgumentError) as caught:
            call()
        expected = tf_message(key)
        assert str(caught.value).startswith(expected.split(" [Op:")[0]), (str(caught.value), expected)
    with pytest.raises(ValueError, match="dtype"):
        tf.io.parse_single_example(RECORDS[0], {"id": tf.io.FixedLenFeature([], tf.int32)})


def test_corruption_raises_data_loss_naming_the_file(tmp_path):
    data = bytearray(open(os.path.join(HERE, "plain.tfrecord"), "rb").read())
    data[12 + 5] ^= 0xFF
    bad = tmp_path / "corrupt.tfrecord"
    bad.write_bytes(bytes(data))
    assert REF["error_corrupt"]["type"] == "DataLossError"
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at 12") as caught:
        list(tf.data.TFRecordDataset(str(bad)))
    assert str(bad) in str(caught.value) and tf_message("error_corrupt").startswith("corrupted record at 12")
    bad.write_bytes(bytes(data[:15]))
    with pytest.raises(tf.errors.DataLossError, match="truncated record at 0"):
        list(tf.data.TFRecordDataset(str(bad)))
    with pytest.raises(ValueError, match="compression_type"):
        tf.data.TFRecordDataset(str(bad), compression_type="LZ4")


def test_parallel_reads_interleave_files():
    paths = [os.path.join(HERE, "plain.tfrecord"), os.path.join(HERE, "sequence.tfrecord")]
    records = [r.numpy() for r in tf.data.TFRecordDataset(paths, num_parallel_reads=2)]
    assert records == [RECORDS[0], bytes.fromhex(REF["sequence_hex"]), RECORDS[1], RECORDS[2]]
    files = tf.data.Dataset.from_tensor_slices(paths[:1])
    assert [r.numpy() for r in tf.data.TFRecordDataset(files)] == RECORDS


def test_iterators_raise_out_of_range_on_get_next():
    iterator = iter(tf.data.Dataset.range(2))
    assert isinstance(iterator, tf.data.Iterator) and int(iterator.get_next()) == 0
    assert int(next(iterator)) == 1
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        iterator.get_next()
    with pytest.raises(StopIteration):
        next(iterator)
    optional = iter(tf.data.Dataset.range(1)).get_next_as_optional()
    assert bool(optional.has_value()) and int(optional.get_value()) == 0
    numpy_iterator = tf.data.Dataset.range(3).as_numpy_iterator()
    assert isinstance(numpy_iterator, tf.data.NumpyIterator) and list(numpy_iterator) == [0, 1, 2]


def test_tensor_codecs_match_tensorflow():
    for key, item in REF["serialize_tensor"].items():
        value = item["value"]
        if value["dtype"] == "string":
            tensor, dtype = np.array([bytes.fromhex(v) for v in value["data"]], dtype=object), tf.string
        else:
            tensor = tf.constant(np.array(value["data"], dtype=value["dtype"]).reshape(value["shape"]))
            dtype = getattr(tf, value["dtype"])
        assert tf.io.serialize_tensor(tensor).numpy().hex() == item["hex"], key
        back = tf.io.parse_tensor(bytes.fromhex(item["hex"]), dtype)
        assert encode(back) == value, key
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        tf.io.parse_tensor(bytes.fromhex(REF["serialize_tensor"]["int64_scalar"]["hex"]), tf.float32)
    assert tf.io.decode_raw(b"\x01\x00\x02\x00", tf.int16).numpy().tolist() == [1, 2]
    assert tf.io.encode_base64(b"\xfb\xff hi").numpy() == b"-_8gaGk"
    assert tf.io.decode_base64("-_8").numpy() == b"\xfb\xff"
    import zlib
    assert tf.io.decode_compressed(zlib.compress(b"hello"), compression_type="ZLIB").numpy() == b"hello"
    ints, floats, texts = tf.io.decode_csv(["1,2.5,abc", ",,"], record_defaults=[[0], [0.0], ["x"]])
    assert ints.numpy().tolist() == [1, 0] and ints.dtype == tf.int32 and floats.numpy().tolist() == [2.5, 0.0]
    assert list(texts.numpy()) == [b"abc", b"x"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields but have 2 in record 0"):
        tf.io.decode_csv(["1,2"], record_defaults=[[0], [0], [0]])


def test_tfrecord_pipeline_trains_a_model(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x.sum(1) > 0).astype(np.int64)
    path = str(tmp_path / "train.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for features, label in zip(x, y):
            example = tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=features)),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))}))
            writer.write(example.SerializeToString())
    spec = {"x": tf.io.FixedLenFeature([4], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}

    def parse(record):
        parsed = tf.io.parse_single_example(record, spec)
        return parsed["x"], parsed["y"]
    dataset = tf.data.TFRecordDataset(path).map(parse).shuffle(64, seed=1).batch(16).prefetch(tf.data.AUTOTUNE)
    first_x, first_y = next(iter(dataset))
    assert tuple(first_x.shape) == (16, 4) and first_y.dtype == tf.int64
    torch.manual_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(dataset, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8
