"""tf.summary writing TensorBoard event files (the reading tests skip without the optional `tensorboard`
package; what the namespace offers and the writer used without it are checked everywhere)."""
import importlib.util

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

summary = tf.summary
HAS_TENSORBOARD = importlib.util.find_spec("tensorboard") is not None
needs_tensorboard = pytest.mark.skipif(not HAS_TENSORBOARD, reason="the optional tensorboard package is not installed")


def test_stateful_names_resolve_through_the_namespace():
    from tkeras.compat.tf_namespace import module, sparse, tensor_array
    assert tf.summary.create_file_writer is not None
    assert tf.Module is module.Module and tf.TensorArray is tensor_array.TensorArray
    assert tf.SparseTensor is sparse.SparseTensor and tf.sparse.to_dense is sparse.to_dense
    assert {"summary", "sparse", "lookup", "Module", "TensorArray", "SparseTensor"} <= set(dir(tf))
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2]), default_value=-1)
    assert table.lookup(tf.constant(["b", "z"])).tolist() == [2, -1]


@pytest.mark.skipif(HAS_TENSORBOARD, reason="checks the writer used without tensorboard")
def test_without_tensorboard_scalars_are_written_and_images_say_what_to_install(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        assert summary.scalar("loss", 1.0) is True
        with pytest.raises(ImportError, match="tensorboard"):
            summary.image("samples", np.zeros((1, 2, 2, 3)))
    writer.close()
    assert len(list(tmp_path.iterdir())) == 1


def _events(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    accumulator = EventAccumulator(str(logdir), size_guidance={"tensors": 0, "scalars": 0})
    accumulator.Reload()
    return accumulator


@needs_tensorboard
def test_scalars_histograms_images_text(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    assert summary.scalar("ignored", 1.0, step=0) is False  # no default writer: nothing written
    with writer.as_default():
        for step in range(3):
            assert summary.scalar("loss", 1.0 / (step + 1), step=step) is True
        summary.histogram("weights", np.random.RandomState(0).randn(100), step=1)
        summary.image("samples", np.random.RandomState(1).rand(5, 4, 4, 3), step=1, max_outputs=2)
        summary.text("note", "hello", step=1)
    writer.flush()
    writer.close()
    events = _events(tmp_path)
    assert [(e.step, round(e.value, 5)) for e in events.Scalars("loss")] == [(0, 1.0), (1, 0.5), (2, 0.33333)]
    assert "ignored" not in events.Tags()["scalars"]
    assert events.Tags()["histograms"] == ["weights"]
    assert len(events.Images("samples")) == 1 and events.Tags()["images"] == ["samples"]
    assert any(tag.startswith("note") for tag in events.Tags()["tensors"])


@needs_tensorboard
def test_default_step_and_record_if(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=7):
        summary.scalar("a", 2.0)
        with summary.record_if(False):
            assert summary.scalar("skipped", 1.0) is False
        with summary.record_if(lambda: True):
            summary.scalar("b", 3.0)
    assert summary.experimental.get_step() is None
    summary.experimental.set_step(11)
    try:
        with writer.as_default():
            summary.scalar("c", 4.0)
    finally:
        summary.experimental.set_step(None)
    with writer.as_default(), pytest.raises(ValueError, match="step"):
        summary.scalar("d", 1.0)
    writer.close()
    events = _events(tmp_path)
    assert [e.step for e in events.Scalars("a")] == [7] and [e.step for e in events.Scalars("c")] == [11]
    assert "skipped" not in events.Tags()["scalars"] and "b" in events.Tags()["scalars"]


@needs_tensorboard
def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="logdir"):
        summary.create_file_writer(None)
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0), pytest.raises(ValueError, match="data"):
        summary.scalar("x", [1.0, 2.0])
    writer.close()
