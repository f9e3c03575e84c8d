"""keras.distribution: the mesh/layout classes, and a Keras 3 script under torchrun (2 gloo processes)
with DataParallel and ModelParallel against the same script in one plain process."""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.distributed as dist

from tests.distribute import TEARDOWN_ABORT
import tkeras as keras
from tkeras.distribute.sharding import chunk_bounds

SCRIPT = os.path.join(os.path.dirname(__file__), "keras3_distribution_script.py")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = keras.distribution
# The same script run by real Keras 3.15.1 on JAX with two host devices (fixtures/keras_distribution).
with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_distribution", "reference.json")) as _f:
    KERAS_REFERENCE = json.load(_f)


# -- the descriptions (no process group needed) -----------------------------------------------------
def _mesh_2x1():
    return D.DeviceMesh(shape=(2, 1), axis_names=("batch", "model"), devices=["cpu:0", "cpu:1"])


def test_layout_map_matches_paths_as_regexes_and_fills_in_the_mesh():
    mesh = _mesh_2x1()
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map["d1/bias"] = D.TensorLayout(("model",))
    assert layout_map["sequential/dense_3/kernel"].axes == (None, "model")
    assert layout_map["sequential/dense_3/kernel"].device_mesh is mesh
    assert layout_map["d1/bias"].axes == ("model",)  # the exact key
    assert layout_map["sequential/conv2d/kernel"] is None
    assert layout_map["dense/kernel_x"] is None  # fullmatch, not search
    layout_map[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="matches several keys"):
        layout_map["dense/kernel"]
    with pytest.raises(ValueError, match="already set"):
        layout_map[".*kernel"] = (None, None)
    assert len(layout_map) == 3 and list(layout_map)[0] == ".*dense.*kernel"


def test_layouts_and_meshes_reject_what_they_cannot_describe():
    mesh = _mesh_2x1()
    with pytest.raises(ValueError, match=r"axis name\(s\) \['modle'\] are not axes of the mesh"):
        D.TensorLayout((None, "modle"), mesh)
    with pytest.raises(ValueError, match="holds 4 devices but 2 were given"):
        D.DeviceMesh(shape=(2, 2), axis_names=("batch", "model"), devices=["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match="same length"):
        D.DeviceMesh(shape=(2,), axis_names=("batch", "model"), devices=["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match="TensorLayout or a tuple"):
        D.LayoutMap(mesh)["x"] = "model"
    assert mesh.ranks().tolist() == [[0], [1]]


def test_model_parallel_takes_keras_arguments():
    mesh = _mesh_2x1()
    layout_map = D.LayoutMap(mesh)
    distribution = D.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    assert distribution.device_mesh is mesh and distribution.batch_dim_name == "batch"
    assert distribution.num_model_replicas == 2
    assert D.ModelParallel(layout_map=layout_map).batch_dim_name == "batch"  # the mesh's first axis
    with pytest.raises(ValueError, match="pass layout_map"):
        D.ModelParallel()
    with pytest.raises(ValueError, match="batch_dim_name='data' is not an axis"):
        D.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    layout = distribution.get_data_layout((32, 8))
    assert layout.axes == ("batch", None)


def test_data_parallel_takes_a_mesh_or_makes_a_one_axis_one(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    assert D.DataParallel().device_mesh.axis_names == ("batch",)
    mesh = D.DeviceMesh((2,), ["data"], devices=["cpu:0", "cpu:1"])
    assert D.DataParallel(device_mesh=mesh).batch_dim_name == "data"
    with pytest.raises(ValueError, match="device_mesh must be a keras.distribution.DeviceMesh"):
        D.DataParallel(device_mesh=(2,))


def test_list_devices_in_one_process_lists_its_own(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    assert D.list_devices("cpu") == ["cpu:0"] and D.get_device_count("cpu") == 1
    with pytest.raises(ValueError, match="device_type must be"):
        D.list_devices("npu")


@pytest.mark.parametrize("n,shards", [(15, 2), (7, 3), (10, 4), (1, 2), (0, 2)])
def test_chunk_bounds_split_as_torch_chunk_does(n, shards):
    expected = [len(c) for c in torch.arange(n).chunk(shards)] if n else []
    sizes = [stop - start for start, stop in (chunk_bounds(n, shards, r) for r in range(shards))]
    assert [s for s in sizes if s] == expected
    assert sum(sizes) == n


def test_initialize_reads_keras_job_addresses(monkeypatch):
    calls = {}
    monkeypatch.setattr(dist, "init_process_group", lambda **kw: calls.update(kw))
    monkeypatch.setattr(dist, "is_initialized", lambda: False)
    monkeypatch.setattr("tkeras.distribute.runtime.atexit.register", lambda f: None)
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TKERAS_DEVICE", "cpu")
    D.initialize("10.0.0.1:1234,10.0.0.2:2345", num_processes=2, process_id=1)
    assert calls["rank"] == 1 and calls["world_size"] == 2 and calls["backend"] == "gloo"
    assert os.environ["MASTER_ADDR"] == "10.0.0.1" and os.environ["MASTER_PORT"] == "1234"
    with pytest.raises(ValueError, match="must start with 'host:port'"):
        D.initialize("10.0.0.1", num_processes=2, process_id=0)


def test_set_distribution_takes_model_parallel():
    distribution = D.ModelParallel(layout_map=D.LayoutMap(_mesh_2x1()))
    try:
        D.set_distribution(distribution)
        assert D.distribution() is distribution
    finally:
        D.set_distribution(None)


# -- the real thing: the same Keras 3 script, one process and two ------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env():
    env = dict(os.environ, TKERAS_DEVICE="cpu", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([REPO, os.environ.get("PYTHONPATH", "")]))
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    return env


def _run(command, what, timeout=240):
    for attempt in range(2):
        try:
            run = subprocess.run(command() if callable(command) else command, env=_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, timeout=timeout, cwd=REPO)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{what} hung (a collective was not matched on every rank)")
        # Once more when the picked free port was taken by another program before torchrun bound it, or
        # when a rank aborted in torch's teardown after all its work (see TEARDOWN_ABORT).
        port_taken = callable(command) and "address already in use" in run.stdout.lower()
        if run.returncode == 0 or not (port_taken or TEARDOWN_ABORT in run.stdout):
            break
    assert run.returncode == 0, f"{what} failed:\n{run.stdout[-4000:]}"


def _torchrun(mode, out, nodes=1, extra=()):
    launcher = [sys.executable, "-m", "torch.distributed.run"]
    tail = ["-m", "tkeras", "run", SCRIPT, mode, str(out)] + list(extra)
    if nodes == 1:
        _run(lambda: launcher + ["--nnodes=1", "--nproc_per_node=2", "--master_addr=127.0.0.1",
                                 f"--master_port={_free_port()}"] + tail, f"torchrun {mode}")
        return
    # Two "nodes" of one process each on this machine, meeting at a c10d rendezvous on 127.0.0.1.
    for attempt in range(2):
        endpoint = f"127.0.0.1:{_free_port()}"
        common = ["--nnodes=2", "--nproc_per_node=1", "--rdzv_backend=c10d", f"--rdzv_endpoint={endpoint}",
                  "--rdzv_id=tkeras-test"]
        nodes = [subprocess.Popen(launcher + common + tail, env=_env(), cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        try:
            outputs = [node.communicate(timeout=240)[0] for node in nodes]
        except subprocess.TimeoutExpired:
            for node in nodes:
                node.kill()
            pytest.fail("the two-node torchrun hung")
        # Once more, whole, on any failure: besides the exit-time abort of TEARDOWN_ABORT (the node whose
        # agent hosted the rendezvous store dies with it, and the other node then fails to close the
        # rendezvous), a loaded machine has failed this launch in other ways (2026-12-07, full suite beside
        # nothing else, passing alone 5 times of 5). A failure that comes back is reported.
        if all(node.returncode == 0 for node in nodes):
            break
    for node, text in zip(nodes, outputs):
        assert node.returncode == 0, f"two-node torchrun failed:\n{text[-4000:]}"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not dist.is_available():
        pytest.skip("this torch build has no torch.distributed")
    out = tmp_path_factory.mktemp("keras_distribution")
    _run([sys.executable, "-m", "tkeras", "run", SCRIPT, "single", str(out)], "the single-process run")
    return out


def _load(out, mode):
    ranks = sorted(int(name[len(mode) + 5:-4]) for name in os.listdir(out)
                   if name.startswith(f"{mode}_rank") and name.endswith(".npz"))
    return [(np.load(out / f"{mode}_rank{r}.npz"), json.loads((out / f"{mode}_rank{r}.json").read_text()))
            for r in ranks]


def _weights(npz):
    return [npz[f"arr_{i}"] for i in range(len([k for k in npz.files if k.startswith("arr_")]))]


def _check_same_training_as_one_process(out, mode, single_tag="single"):
    (single, single_info), = _load(out, single_tag)
    ranks = _load(out, mode)
    assert len(ranks) == 2
    for npz, info in ranks:
        assert info["devices"] == ["cpu:0", "cpu:1"]  # the whole group, as Keras lists it
        got, expected = _weights(npz), _weights(single)
        assert [w.shape for w in got] == [w.shape for w in expected]  # whole weights, gathered
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)
        np.testing.assert_allclose(npz["predictions"], single["predictions"], atol=1e-5)
        for key in ("loss", "mae"):
            np.testing.assert_allclose(info["history"][key], single_info["history"][key], rtol=1e-5)
        for key in single_info["evaluation"]:
            assert info["evaluation"][key] == pytest.approx(single_info["evaluation"][key], rel=1e-5)
        keras_run = KERAS_REFERENCE["modes"].get(mode)
        if keras_run is not None:  # the same script on Keras 3 / JAX with two devices
            assert info["devices"] == keras_run["devices"]
            for a, b in zip(_weights(npz), keras_run["weights"]):
                np.testing.assert_allclose(a, np.asarray(b, "float32"), atol=1e-5)
            np.testing.assert_allclose(npz["predictions"], keras_run["predictions"], atol=1e-5)
            np.testing.assert_allclose(info["history"]["loss"], keras_run["history"]["loss"], rtol=1e-5)
    return ranks, single


def test_data_parallel_script_trains_as_one_process(runs):
    _torchrun("data", runs)
    _check_same_training_as_one_process(runs, "data")


def test_model_parallel_script_trains_as_one_process_and_saves_whole_weights(runs):
    _torchrun("model", runs)
    ranks, single = _check_same_training_as_one_process(runs, "model")
    for npz, _ in ranks:
        # A .keras file written from shards, loaded into a new model under the distribution (re-sharded),
        # and a .weights.h5 loaded into an already sharded model: the same predictions.
        np.testing.assert_allclose(npz["reloaded_predictions"], single["predictions"], atol=1e-5)
        np.testing.assert_allclose(npz["loaded_weights_predictions"], single["predictions"], atol=1e-5)
    from tkeras.saving import load_model
    whole = load_model(runs / "model_model.keras")  # an ordinary file: whole (8, 16) kernel
    assert [tuple(w.shape) for w in whole.get_weights()][:2] == [(8, 16), (16,)]
    np.testing.assert_allclose(whole.predict(np.zeros((1, 8), "float32"), verbose=0),
                               load_model(runs / "single_model.keras").predict(np.zeros((1, 8), "float32"),
                                                                              verbose=0), atol=1e-5)


def test_each_rank_stores_only_its_shard_of_a_sharded_kernel(runs):
    if not (runs / "model_rank0.json").exists():
        _torchrun("model", runs)
    (_, single_info), = _load(runs, "single")
    assert single_info["storage"]["kernel_shape"] == [8, 16]
    for _, info in _load(runs, "model"):
        storage = info["storage"]
        assert storage["kernel_shape"] == [8, 8]  # (None, "model") over 2 ranks: half the columns
        assert storage["kernel_bytes"] == 8 * 8 * 4  # the storage itself, not a view of a whole kernel
        assert storage["kernel_grad_shape"] == [8, 8]
        assert storage["slot_shapes"] == [[8, 8]]  # SGD momentum, sharded like its kernel


def test_model_parallel_splits_the_batch_on_the_batch_axis(runs):
    # mesh (2, 1): each global batch of 16 is split 8 / 8 between the ranks, the last one (12) 6 / 6.
    _torchrun("model_batch", runs)
    _check_same_training_as_one_process(runs, "model_batch")


def test_model_parallel_splits_uneven_batches_weighting_each_piece_by_its_rows(runs):
    # Batches of 15 split 8 / 7 (Keras on JAX refuses such batches; tkeras weights each rank's
    # gradient by its share of the rows, so the update is still the one-process update).
    _run([sys.executable, "-m", "tkeras", "run", SCRIPT, "single", str(runs), "15"], "the single-process run")
    _torchrun("model_batch", runs, extra=["15"])
    _check_same_training_as_one_process(runs, "model_batch_b15", single_tag="single_b15")


def test_two_nodes_with_a_c10d_rendezvous_train_as_one_process(runs, tmp_path):
    if os.environ.get("TKERAS_SKIP_MULTINODE"):
        pytest.skip("TKERAS_SKIP_MULTINODE set")
    for name in ("single_rank0.npz", "single_rank0.json"):
        (tmp_path / name).write_bytes((runs / name).read_bytes())
    _torchrun("model", tmp_path, nodes=2)
    _check_same_training_as_one_process(tmp_path, "model")


# -- callbacks, Adam, a lazily built subclassed model, and errors ----------------------------------------
WORKER = os.path.join(os.path.dirname(__file__), "_mp_worker.py")


@pytest.fixture(scope="module")
def extras(tmp_path_factory):
    if not dist.is_available():
        pytest.skip("this torch build has no torch.distributed")
    out = tmp_path_factory.mktemp("mp_extras")
    _run([sys.executable, WORKER, str(out)], "the single-process extras run")
    _run(lambda: [sys.executable, "-m", "torch.distributed.run", "--nnodes=1", "--nproc_per_node=2",
                  "--master_addr=127.0.0.1", f"--master_port={_free_port()}", WORKER, str(out)], "torchrun extras")
    return out


def test_callbacks_and_adam_under_model_parallel_match_one_process(extras):
    single = json.loads((extras / "extras_single.json").read_text())
    reference = np.load(extras / "extras_single.npz")
    for rank in range(2):
        info = json.loads((extras / f"extras_rank{rank}.json").read_text())
        assert info["kernel_shape"] == [4, 4]  # Dense(8) kernel (4, 8): half the columns each
        for key in ("loss", "mae", "val_loss", "val_mae"):
            np.testing.assert_allclose(info["history"][key], single["history"][key], rtol=1e-5)
        got = np.load(extras / f"extras_rank{rank}.npz")
        for a, b in zip(_weights(got), _weights(reference)):
            np.testing.assert_allclose(a, b, atol=1e-5)
        np.testing.assert_allclose(got["predictions"], reference["predictions"], atol=1e-5)
        np.testing.assert_allclose(got["fresh_predictions"], reference["fresh_predictions"], atol=1e-5)


def test_checkpoints_gather_on_every_rank_and_only_rank_0_writes(extras):
    assert sorted(p.name for p in extras.glob("ckpt_rank*")) == [f"ckpt_rank0_{e}.keras" for e in (1, 2, 3)]
    assert (extras / "log_rank0.csv").exists() and not (extras / "log_rank1.csv").exists()
    from tkeras.saving import load_model

    class TwoTower(keras.Model):  # the worker's subclassed model, for the checkpoint's config
        def __init__(self, **kwargs):
            super().__init__()
            self.dense = keras.layers.Dense(8, activation="tanh")
            self.dense_out = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense_out(self.dense(inputs))

    last = load_model(extras / "ckpt_rank0_3.keras", custom_objects={"TwoTower": TwoTower}, compile=False)
    final = _weights(np.load(extras / "extras_single.npz"))
    for a, b in zip(last.get_weights(), final):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_distribute_tensor_and_variable_lay_values_out_per_the_layout(extras):
    whole = np.arange(24, dtype="float32").reshape(4, 6)
    for rank in range(2):
        info = json.loads((extras / f"extras_rank{rank}.json").read_text())["distribute_tensor"]
        np.testing.assert_array_equal(info["local"], whole[:, 3 * rank:3 * rank + 3])  # its columns only
        np.testing.assert_array_equal(info["whole"], whole)
        assert info["variable_local_shape"] == [1, 4] and info["variable_requires_grad"]


def test_distribute_tensor_in_one_process_returns_the_tensor(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    tensor = torch.ones(2, 2)
    assert D.distribute_tensor(tensor, D.TensorLayout((None, "model"), _mesh_2x1())) is tensor


def test_backward_gathers_no_weight_sized_tensor(extras):
    # Inputs of sharded layers are gathered along the model axis, so a column-split kernel's gradient
    # comes out as its columns; with feature-split inputs torch gathered gradients in backward.
    for rank in range(2):
        gathers = json.loads((extras / f"extras_rank{rank}.json").read_text())["gathers"]
        assert gathers["step"] == gathers["forward"] > 0, gathers


@pytest.mark.parametrize("mesh", ["1x2", "2x1"])
def test_layers_without_shards_run_plain_next_to_sharded_ones(extras, mesh):
    reference = _weights(np.load(extras / f"lstm_{mesh}_single.npz"))
    for rank in range(2):
        got = _weights(np.load(extras / f"lstm_{mesh}_rank{rank}.npz"))
        assert [w.shape for w in got] == [w.shape for w in reference]
        for a, b in zip(got, reference):
            np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize("label,fragment", [
    ("conv_split_on_filters", "layer 'conv2d"),
    ("bad_layout_rank", "dense_wide/kernel' has 1 entries but the variable has "
                        "shape (4, 4)"),
    ("uncovered_batch", "a batch of 1 sample(s) leaves a rank of the 'batch' axis (2 ranks) without samples"),
])
def test_model_parallel_errors_are_clear_and_raised_on_every_rank(extras, label, fragment):
    for rank in range(2):
        message = json.loads((extras / f"extras_rank{rank}.json").read_text())["errors"][label]
        assert message is not None and fragment in message, message
