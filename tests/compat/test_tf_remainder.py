"""The last easy names of the tf namespace, against TensorFlow 2.21's recorded answers
(tests/fixtures/make_tf_remainder_reference.py writes tf_remainder_reference.json)."""
import gzip
import json
import os
import unittest

import numpy as np
import pytest
import torch

import tkeras.compat.tf_namespace as tf

REF = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_remainder_reference.json")))


def test_edit_distance_matches_tensorflow():
    ref = REF["edit_distance"]
    letters = {c: i for i, c in enumerate("abcxyz")}  # distances only compare values for equality
    hyp = tf.SparseTensor(ref["hyp"]["indices"], [letters[v] for v in ref["hyp"]["values"]], ref["hyp"]["dense_shape"])
    truth = tf.SparseTensor(ref["truth"]["indices"], [letters[v] for v in ref["truth"]["values"]],
                            ref["truth"]["dense_shape"])
    np.testing.assert_allclose(tf.edit_distance(hyp, truth).numpy(), ref["normalized"], rtol=1e-6)
    np.testing.assert_allclose(tf.edit_distance(hyp, truth, normalize=False).numpy(), ref["raw"])
    r = REF["edit_distance_int"]
    out = tf.edit_distance(tf.SparseTensor(*r["hyp"]), tf.SparseTensor(*r["truth"]))
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), r["normalized"])
    # an empty truth row: inf where the hypothesis has items, 0 where both are empty; shapes take the max
    out = tf.edit_distance(tf.SparseTensor([[0, 0], [1, 0]], [1, 2], [3, 2]), tf.SparseTensor([[0, 0], [0, 1]], [1, 2],
                                                                                             [2, 2]))
    np.testing.assert_array_equal(out.numpy(), REF["edit_distance_empty_truth"])


@pytest.mark.parametrize("key,dtype", [("fingerprint_int32", np.int32), ("fingerprint_float32", np.float32)])
def test_fingerprint_numeric_rows(key, dtype):
    ref = REF[key]
    out = tf.fingerprint(np.asarray(ref["input"], dtype=dtype))
    assert out.dtype == torch.uint8
    np.testing.assert_array_equal(out.numpy(), ref["output"])


def test_fingerprint_strings():
    ref = REF["fingerprint_str"]
    np.testing.assert_array_equal(tf.fingerprint(tf.constant(ref["input"])).numpy(), ref["output"])
    with pytest.raises(ValueError, match="farmhash64"):
        tf.fingerprint(np.zeros((2, 2)), method="md5")


def test_hessians_match_tensorflow():
    x = tf.Variable(REF["hessians"]["x"], dtype=tf.float64)
    y = tf.reduce_sum(x ** 3) + x[0] * x[1]
    (h,) = tf.hessians(y, x)
    np.testing.assert_allclose(np.asarray(h), REF["hessians"]["output"])
    with pytest.raises(ValueError, match="gradient record"):
        tf.hessians(tf.constant(1.0), tf.constant(2.0))


def test_space_batch_reshuffles():
    ref = REF["space_to_batch"]
    s2b = tf.space_to_batch(np.asarray(ref["input"], np.float32), [2, 2], [[0, 0], [0, 0]])
    np.testing.assert_array_equal(s2b.numpy(), ref["output"])
    b2s = REF["batch_to_space"]
    np.testing.assert_array_equal(tf.batch_to_space(s2b, b2s["block"], b2s["crops"]).numpy(), b2s["output"])
    nd = REF["space_to_batch_nd"]
    out = tf.space_to_batch_nd(np.asarray(nd["input"], np.float32), nd["block"], nd["paddings"])
    np.testing.assert_array_equal(out.numpy(), nd["output"])
    pads, crops = tf.required_space_to_batch_paddings([5, 7], [2, 3], base_paddings=[[1, 0], [0, 0]])
    np.testing.assert_array_equal(pads.numpy(), REF["required_space_to_batch_paddings"]["paddings"])
    np.testing.assert_array_equal(crops.numpy(), REF["required_space_to_batch_paddings"]["crops"])
    assert pads.dtype == torch.int32


def test_extract_volume_patches():
    vol = np.arange(64, dtype=np.float32).reshape(1, 4, 4, 4, 1)
    ref = REF["extract_volume_patches"]
    np.testing.assert_array_equal(tf.extract_volume_patches(vol, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID").numpy(),
                                  ref["valid"])
    np.testing.assert_array_equal(tf.extract_volume_patches(vol, [1, 3, 2, 2, 1], [1, 2, 3, 2, 1], "SAME").numpy(),
                                  ref["same"])


def test_small_aliases():
    np.testing.assert_allclose(tf.matrix_square_root(tf.constant([[2.0, 1.0], [0.5, 3.0]], tf.float64)).numpy(),
                               REF["matrix_square_root"], rtol=1e-6)
    assert [str(v) for v in np.asarray(tf.as_string(tf.constant([1.5, -2.25]), precision=2))] == REF["as_string"]
    assert tf.fftnd is tf.signal.fftnd and tf.irfftnd is tf.signal.irfftnd and tf.eigvals is tf.linalg.eigvals
    values, indices = tf.approx_top_k(tf.constant([3.0, 1.0, 4.0, 1.5]), 2)
    np.testing.assert_array_equal(values.numpy(), [4.0, 3.0])
    np.testing.assert_array_equal(indices.numpy(), [2, 0])
    assert tf.timestamp().dtype == torch.float64
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            assert tf.get_current_name_scope() == "outer/inner"
    assert tf.get_current_name_scope() == ""


def test_indexed_slices_and_specs():
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([2, 0]), dense_shape=[3, 2])
    np.testing.assert_array_equal(tf.convert_to_tensor(s).numpy(), [[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]])
    assert list(s.shape) == [3, 2]
    assert isinstance(tf.TensorSpec([2], tf.float32), tf.TypeSpec)
    assert isinstance(tf.type_spec_from_value(None), tf.NoneTensorSpec)
    assert tf.OptionalSpec(tf.TensorSpec([1])) == tf.OptionalSpec(tf.TensorSpec([1]))
    assert tf.types.experimental.TensorLike is not None


def test_registries_and_variable_creator():
    @tf.RegisterGradient("TkerasTestOnlyOp")
    def _grad(op, grad):
        return grad
    with pytest.raises(KeyError):
        tf.RegisterGradient("TkerasTestOnlyOp")(_grad)
    from tkeras.compat.tf_namespace import _top_extra
    assert _top_extra.registered_gradient("TkerasTestOnlyOp") is _grad
    with pytest.raises(NotImplementedError, match="custom_gradient"):
        _top_extra.gradient_override_map({"Identity": "TkerasTestOnlyOp"})
    tf.no_gradient("TkerasTestOnlyNoGrad")
    tf.register_tensor_conversion_function(float, lambda value, dtype=None, name=None, as_ref=False: value)
    seen = []

    def creator(next_creator, **kwargs):
        seen.append(kwargs["name"])
        kwargs["trainable"] = False
        return next_creator(**kwargs)
    with tf.variable_creator_scope(creator):
        v = tf.Variable(1.0, name="made")
    assert seen == ["made"] and not v.trainable
    assert tf.Variable(2.0).trainable


def test_dtypes():
    for name in ("uint16", "uint32", "uint64"):
        assert getattr(tf.dtypes, name).itemsize == REF["dtypes"][name]["size"]
    for name in ("qint8", "quint8", "qint16", "quint16", "qint32"):
        d = getattr(tf.dtypes, name)
        assert (d.size, d.is_quantized, d.is_unsigned) == tuple(REF["dtypes"][name][k] for k in
                                                                ("size", "is_quantized", "is_unsigned"))
        assert getattr(tf, name) is d
    assert sorted(d.name for d in tf.dtypes.QUANTIZED_DTYPES) == [n for n in REF["quantized_dtypes"]
                                                                   if not n.endswith("_ref")]
    with pytest.raises(TypeError, match="quantized TensorFlow dtype"):
        tf.cast(tf.constant([1.0]), tf.qint8)
    with pytest.raises(TypeError, match="quantized"):
        tf.dtypes.cast(tf.constant([1.0]), tf.dtypes.quint8)
    assert tf.dtypes.saturate_cast(tf.constant([-300.0, 12.7, 300.0]), tf.uint8).numpy().tolist() == \
        REF["saturate_cast"]
    assert str(complex(tf.dtypes.complex(1.0, 2.0).numpy())) == REF["dtypes_complex"][0]
    assert tf.dtypes.string == tf.string


def test_compat_helpers():
    ref, c = REF["compat"], tf.compat
    assert list(c.as_bytes("héllo")) == ref["as_bytes"]
    assert c.as_text(b"h\xc3\xa9llo") == ref["as_text"] == c.as_str(b"h\xc3\xa9llo")
    assert c.as_str_any(12) == ref["as_str_any"]
    assert [c.dimension_value(tf.TensorShape([3, None])[0]), c.dimension_value(None)] == ref["dimension_value"]
    assert [c.dimension_at_index(tf.TensorShape([3, None]), 0).value,
            c.dimension_at_index(None, 5).value] == ref["dimension_at_index"]
    assert c.forward_compatible(2019, 1, 1) is ref["forward_compatible_past"]
    assert c.forward_compatible(2100, 1, 1) is ref["forward_compatible_future"]
    with c.forward_compatibility_horizon(2101, 1, 1):
        assert c.forward_compatible(2100, 1, 1)
    import pathlib
    assert c.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    for key in ("integral_types", "real_types", "complex_types", "bytes_or_text_types"):
        assert sorted(t.__name__ for t in getattr(c, key)) == ref[key]
    assert c.v1 is not None and c.v2.constant is tf.constant
    with pytest.raises(TypeError):
        c.as_bytes(3)


def test_fixed_length_record_dataset(tmp_path):
    ref = REF["fixed_length"]
    raw = bytes.fromhex(ref["file_hex"])
    (tmp_path / "r.bin").write_bytes(raw)
    with gzip.open(tmp_path / "r.gz", "wb") as f:
        f.write(raw)
    ds = tf.data.FixedLengthRecordDataset(str(tmp_path / "r.bin"), 6, header_bytes=4, footer_bytes=2)
    assert [bytes(r.numpy() if hasattr(r, "numpy") else r[()]).hex() for r in ds] == ref["records"]
    ds = tf.data.FixedLengthRecordDataset([str(tmp_path / "r.gz")], 6, header_bytes=4, footer_bytes=2,
                                          compression_type="GZIP")
    assert [bytes(r.numpy() if hasattr(r, "numpy") else r[()]).hex() for r in ds] == ref["records_gzip"]
    (tmp_path / "p.bin").write_bytes(bytes.fromhex(ref["partial_file_hex"]))
    assert ref["partial_error"] == "InvalidArgumentError"
    with pytest.raises(tf.errors.InvalidArgumentError, match="not an exact multiple"):
        list(tf.data.FixedLengthRecordDataset(str(tmp_path / "p.bin"), 5))


def test_compute_gradient_matches_tensorflow():
    ref = REF["compute_gradient"]

    def f(x):
        return tf.stack([x[0] * x[1], tf.sin(x[1]) + x[0] ** 2])
    theo, num = tf.test.compute_gradient(f, [tf.constant(ref["x"], tf.float64)])
    assert [list(t.shape) for t in theo] == ref["shapes"]
    np.testing.assert_allclose(theo[0], ref["theoretical"][0], rtol=1e-12)
    np.testing.assert_allclose(num[0], ref["numerical"][0], rtol=1e-8)


def test_distribute_types():
    ref = REF["input_context"]
    ic = tf.distribute.InputContext(num_input_pipelines=2, input_pipeline_id=1, num_replicas_in_sync=4)
    assert (ic.num_input_pipelines, ic.input_pipeline_id, ic.num_replicas_in_sync,
            ic.get_per_replica_batch_size(64)) == (ref["num_input_pipelines"], ref["input_pipeline_id"],
                                                   ref["num_replicas_in_sync"], ref["per_replica_batch"])
    with pytest.raises(ValueError):
        ic.get_per_replica_batch_size(10)
    assert [tf.distribute.ReduceOp.SUM.value, tf.distribute.ReduceOp.MEAN.value] == REF["reduce_op"]
    assert isinstance(tf.distribute.get_strategy(), tf.distribute.Strategy)
    assert isinstance(tf.distribute.MirroredStrategy(), tf.distribute.Strategy)
    assert not isinstance(object(), tf.distribute.Strategy)
    ctx = tf.distribute.get_replica_context()
    assert ctx.replica_id_in_sync_group == 0 and ctx.num_replicas_in_sync == 1
    np.testing.assert_array_equal(ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.constant([1.0, 2.0])).numpy(),
                                  [1.0, 2.0])
    assert not tf.distribute.in_cross_replica_context()
    tf.distribute.MirroredStrategy(cross_device_ops=tf.distribute.NcclAllReduce())
    with pytest.raises(NotImplementedError, match="cross_device_ops"):
        tf.distribute.HierarchicalCopyAllReduce().reduce("sum", None, None)
    with pytest.raises(NotImplementedError, match="ParameterServerStrategy"):
        tf.distribute.ParameterServerStrategy(None)


def test_config_and_small_namespaces(tmp_path):
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
    tf.config.set_soft_device_placement(True)
    assert tf.config.experimental_functions_run_eagerly() is True
    tf.config.optimizer.set_experimental_options({"layout_optimizer": False})
    assert tf.config.optimizer.get_experimental_options() == {"layout_optimizer": False}
    tf.config.optimizer.set_jit(True)
    assert tf.config.optimizer.get_jit() is True
    tf.config.optimizer.set_jit(False)
    with pytest.raises(NotImplementedError, match="torchrun"):
        tf.config.experimental_connect_to_cluster(None)
    (tmp_path / "a1.txt").write_text("x")
    (tmp_path / "a2.txt").write_text("x")
    assert [os.path.basename(p) for p in tf.io.matching_files(str(tmp_path / "a*.txt"))] == ["a1.txt", "a2.txt"]
    assert tf.io.decode_gif is tf.image.decode_gif
    with pytest.raises(NotImplementedError, match="model.save"):
        tf.io.write_graph(None, str(tmp_path), "g.pbtxt")
    spec = tf.train.ClusterSpec({"worker": ["w0:2222", "w1:2222"], "ps": {0: "p0:2222"}})
    assert spec.jobs == ["worker", "ps"] and spec.num_tasks("worker") == 2  # written order, as TensorFlow
    assert spec.task_address("worker", 1) == "w1:2222" and spec.as_dict()["ps"] == ["p0:2222"]

    def fn(x):
        return x + 1
    assert tf.autograph.to_graph(fn) is fn and "return x + 1" in tf.autograph.to_code(fn)
    with pytest.raises(NotImplementedError, match="torch.profiler"):
        tf.summary.trace_on()
    assert tf.test.is_built_with_rocm() is False and tf.test.is_built_with_xla() is False


def test_checkpoints_iterator(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = ckpt.save(str(tmp_path / "ckpt"))
    found = list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0.2))
    assert found == [path]


def test_unsupported_messages_name_the_alternative():
    with pytest.raises(AttributeError, match=r"tf.saved_model.save is not supported in tkeras: save with "
                                             r"model.save\('m.keras'\) or export with model.export\(path, "
                                             r"format='onnx'\)"):
        tf.saved_model.save
    with pytest.raises(AttributeError, match=r"tf.lite.TFLiteConverter is not supported in tkeras.*format='onnx'"):
        tf.lite.TFLiteConverter
    assert not hasattr(tf, "random_index_shuffle")


class _Sample(tf.test.TestCase):
    def test_pass_close(self):
        self.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.0 + 5e-7])

    def test_fail_close(self):
        self.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.001])

    def test_pass_equal_and_ranges(self):
        self.assertAllEqual(tf.constant([1, 2]), np.array([1, 2]))
        self.assertAllGreater(tf.constant([2, 3]), 1)
        self.assertAllLessEqual(tf.constant([2, 3]), 3)
        self.assertAllInRange(tf.constant([0.0, 1.0]), 0.0, 1.0)
        self.assertNear(1.0, 1.05, 0.1)
        self.assertArrayNear([1.0, 2.0], [1.01, 2.0], 0.02)
        self.assertShapeEqual(np.zeros((2, 3)), tf.zeros((2, 3)))
        self.assertDTypeEqual(tf.constant([1.0]), np.float32)
        self.assertNotAllClose(tf.constant([1.0]), [2.0])
        self.assertNotAllEqual(tf.constant([1, 2]), [1, 3])
        self.assertAllCloseAccordingToType(tf.constant([1.0], tf.float16), [1.0005])
        with self.cached_session() as sess:
            self.assertAllEqual(sess.run(tf.constant([4])), [4])
        self.assertEqual(self.evaluate(tf.constant(3.0)), 3.0)
        self.assertTrue(os.path.isdir(self.get_temp_dir()))
        with self.assertRaisesOpError("shape|size|invalid"):
            tf.reshape(tf.zeros([6]), [4])

    def test_fail_in_range(self):
        self.assertAllInRange(tf.constant([0.0, 1.0]), 0.0, 1.0, open_upper_bound=True)

    def test_fail_equal_shape(self):
        self.assertAllEqual(tf.constant([1, 2]), [[1, 2]])

    def test_fail_greater(self):
        self.assertAllGreater(tf.constant([1, 3]), 1)


def test_testcase_assertions_pass_and_fail():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(_Sample)
    result = unittest.TestResult()
    suite.run(result)
    failed = sorted(t.id().rsplit(".", 1)[1] for t, _ in result.failures)
    assert not result.errors, result.errors
    assert failed == ["test_fail_close", "test_fail_equal_shape", "test_fail_greater", "test_fail_in_range"]
    assert result.testsRun == 6
    assert tf.test.main is not None and issubclass(tf.test.TestCase, unittest.TestCase)


_Sample.__test__ = False  # collected through the test above, where its deliberate failures are checked
