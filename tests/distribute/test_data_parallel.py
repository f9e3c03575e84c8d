"""Data parallelism: a real 2-process gloo run (torchrun's environment variables) against one process."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from tests.distribute import TEARDOWN_ABORT
import tkeras as keras
from tkeras.distribute.data_parallel import _interleave
from tkeras.distribute.sharding import EMPTY_SHARD, ShardedBatches, shard_bounds
from tkeras.training import data_adapter

WORKER = os.path.join(os.path.dirname(__file__), "_dp_worker.py")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def needs_training_stack():
    if not hasattr(keras.optimizers, "SGD") or not hasattr(keras.metrics, "Mean"):
        pytest.skip("tkeras.optimizers / tkeras.metrics have not landed yet")


# -- splitting batches (no process group needed) ---------------------------------------------------
@pytest.mark.parametrize("n,shards", [(8, 2), (7, 2), (1, 2), (10, 3), (0, 2)])
def test_shard_bounds_partition_the_batch_contiguously(n, shards):
    bounds = [shard_bounds(n, shards, r) for r in range(shards)]
    covered = [i for start, stop in bounds for i in range(start, stop)]
    assert covered == list(range(n))
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)  # rank 0 never has fewer than the others


def test_sharded_batches_together_are_the_global_batches():
    x = np.arange(22, dtype="float32").reshape(11, 2)
    y = np.arange(11, dtype="float32")
    base = lambda: data_adapter.ArrayBatches(x, y, batch_size=4, shuffle=False)
    shards = [list(ShardedBatches(base(), r, 2).epoch()) for r in range(2)]
    assert len(shards[0]) == len(shards[1]) == 3
    for step, (a, b) in enumerate(zip(*shards)):
        together = torch.cat([a[0], b[0]]) if b is not EMPTY_SHARD else a[0]
        np.testing.assert_array_equal(together.cpu().numpy(), x[step * 4:(step + 1) * 4])
    # 11 = 4 + 4 + 3: the last batch is split 2/1
    assert [len(s[1]) for s in shards[0]] == [2, 2, 2] and [len(s[1]) for s in shards[1]] == [2, 2, 1]


def test_a_rank_left_without_samples_gets_the_empty_marker():
    x = np.arange(9, dtype="float32").reshape(9, 1)
    second = ShardedBatches(data_adapter.ArrayBatches(x, batch_size=4), 1, 2)
    batches = list(second.epoch())
    assert batches[-1] is EMPTY_SHARD and second.local_sizes == [2, 2, 0]
    dropped = ShardedBatches(data_adapter.ArrayBatches(x, batch_size=4), 1, 2, keep_empty=False)
    assert len(list(dropped.epoch())) == 2


def test_shuffled_shards_follow_one_shared_permutation():
    x = np.arange(12, dtype="float32").reshape(12, 1)
    seen = []
    for r in range(2):
        torch.manual_seed(r)  # different global RNG per rank must not matter
        batches = ShardedBatches(data_adapter.ArrayBatches(x, batch_size=4, shuffle=True), r, 2, seed=7)
        seen.append(torch.cat([b[0] for b in batches.epoch()]).reshape(-1).cpu().tolist())
    combined = sorted(seen[0] + seen[1])
    assert combined == list(range(12))


def test_interleave_restores_the_original_order():
    # rank 0 got rows 0-1 and 4-5 and 8; rank 1 got rows 2-3 and 6-7 (batches of 4, 4, 1)
    rank0 = torch.tensor([0, 1, 4, 5, 8])
    rank1 = torch.tensor([2, 3, 6, 7])
    merged = _interleave([rank0, rank1], [[2, 2, 1], [2, 2, 0]])
    assert merged.tolist() == list(range(9))


def test_single_process_runs_without_a_distribution(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    assert keras.distribute.current_distribution() is None
    assert keras.distribute.world_size() == 1 and keras.distribute.is_chief()


def test_set_distribution_rejects_other_objects():
    with pytest.raises(TypeError, match="DataParallel"):
        keras.distribute.set_distribution("mirrored")


# -- the real thing: two gloo processes ------------------------------------------------------------
@pytest.fixture(scope="module")
def two_process_run(tmp_path_factory):
    if not hasattr(keras.optimizers, "SGD") or not hasattr(keras.metrics, "Mean"):
        pytest.skip("tkeras.optimizers / tkeras.metrics have not landed yet")
    out = tmp_path_factory.mktemp("dp")
    # Launched by torchrun itself, exactly as a user would: the worker script never mentions distribution.
    env = dict(os.environ, TKERAS_DEVICE="cpu", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([REPO, os.environ.get("PYTHONPATH", "")]))
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", WORKER, str(out)]
    for attempt in range(2):
        if attempt:  # the repeat starts from an empty folder: a CSVLogger appends to the first run's log
            shutil.rmtree(out)
            out.mkdir()
        try:
            run = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail("the 2-process run hung (a collective was not matched on every rank)")
        if run.returncode == 0 or TEARDOWN_ABORT not in run.stdout:
            break  # (the rare abort at process exit: the whole run once more, see TEARDOWN_ABORT)
    assert run.returncode == 0, f"torchrun failed:\n{run.stdout[-4000:]}"
    results = [json.loads((out / f"results_rank{r}.json").read_text()) for r in range(2)]
    arrays = [np.load(out / f"rank{r}.npz") for r in range(2)]
    return out, results, arrays


def _weights(npz):
    return [npz[f"arr_{i}"] for i in range(len([k for k in npz.files if k.startswith("arr_")]))]


def test_every_rank_ends_with_identical_weights(two_process_run):
    _, _, arrays = two_process_run
    for a, b in zip(_weights(arrays[0]), _weights(arrays[1])):
        np.testing.assert_array_equal(a, b)


def test_two_processes_match_one_process_on_the_same_global_batches(two_process_run, tmp_path):
    from tests.distribute import dp_scenarios
    _, results, arrays = two_process_run
    history, weights, predictions, evaluation = dp_scenarios.train_reference_model(csv_dir=str(tmp_path))
    for got, expected in zip(_weights(arrays[0]), weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(results[0]["history"][key], history[key], rtol=1e-5)
    np.testing.assert_allclose(arrays[0]["predictions"], predictions, rtol=1e-5, atol=1e-6)
    for key in evaluation:
        assert results[0]["evaluation"][key] == pytest.approx(evaluation[key], rel=1e-5)


def test_sync_batch_normalization_over_two_ranks_matches_one_process(two_process_run):
    """SyncBatchNormalization's moments cover both ranks' rows (and a rank left without rows in the last
    batch still joins them), so two processes train as one; plain BatchNormalization (per-rank moments,
    Keras 3 on torch) does not, which shows the comparison can fail."""
    from tests.distribute import dp_scenarios
    out, _, _ = two_process_run
    expected = dp_scenarios.train_batch_norm_model(synchronized=True)
    for synchronized in (True, False):
        ranks = [_weights(np.load(out / f"batch_norm_{synchronized}_rank{r}.npz")) for r in range(2)]
        for a, b in zip(*ranks):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
        gap = max(np.abs(got - want).max() for got, want in zip(ranks[0], expected))
        if synchronized:
            assert gap < 1e-5, gap
        else:
            assert gap > 1e-3, gap


def test_history_and_evaluate_are_identical_on_all_ranks(two_process_run):
    _, results, arrays = two_process_run
    assert results[0]["history"] == results[1]["history"]
    assert results[0]["evaluation"] == results[1]["evaluation"]
    np.testing.assert_array_equal(arrays[0]["predictions"], arrays[1]["predictions"])
    assert arrays[0]["predictions"].shape == (21, 2)  # every sample, not one rank's share


def test_only_rank_0_writes_files_but_every_rank_runs_callbacks(two_process_run):
    out, _, _ = two_process_run
    assert (out / "log_written_by_rank0.csv").exists()
    assert not (out / "log_written_by_rank1.csv").exists()
    assert len((out / "log_written_by_rank0.csv").read_text().strip().splitlines()) == 3
    assert (out / "marker_rank0").exists() and (out / "marker_rank1").exists()
    assert (out / "model_rank0.keras").exists() and not (out / "model_rank1.keras").exists()
    assert (out / "weights_rank0.weights.h5").exists() and not (out / "weights_rank1.weights.h5").exists()
    if hasattr(keras.callbacks, "CSVLogger"):
        assert (out / "csvlogger_rank0.csv").exists() and not (out / "csvlogger_rank1.csv").exists()


def test_shuffled_training_keeps_ranks_identical(two_process_run):
    out, _, _ = two_process_run
    a, b = np.load(out / "shuffled_rank0.npz"), np.load(out / "shuffled_rank1.npz")
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])


def test_a_custom_train_step_applying_gradients_itself_is_data_parallel_too(two_process_run):
    from tests.distribute import dp_scenarios
    out, _, _ = two_process_run
    ranks = [np.load(out / f"custom_step_rank{r}.npz") for r in range(2)]
    expected = dp_scenarios.train_custom_step_model()
    for i, reference in enumerate(expected):
        np.testing.assert_array_equal(ranks[0][f"arr_{i}"], ranks[1][f"arr_{i}"])
        np.testing.assert_allclose(ranks[0][f"arr_{i}"], reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("label,fragment", [
    ("mismatched_sizes", "different sizes"),
    ("fewer_samples_than_ranks", "1 sample(s) but there are 2 processes"),
    ("batch_smaller_than_ranks", "batch_size=1 is the global batch"),
    ("different_data", "rank(s) [1] hold different data than rank 0"),
    ("predict_fewer_samples_than_ranks", "predict: the data set has 1 sample(s)"),
    ("evaluate_batch_smaller_than_ranks", "evaluate: batch_size=1 is the global batch"),
])
def test_bad_input_raises_a_clear_error_on_every_rank(two_process_run, label, fragment):
    _, results, _ = two_process_run
    for rank in range(2):
        message = results[rank]["errors"][label]
        assert message is not None, f"rank {rank}: {label} did not raise"
        assert fragment in message, message


def test_initialize_without_torchrun_or_arguments_says_how_to_launch(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="torchrun --nproc_per_node"):
        keras.distribute.initialize()


def test_a_strategy_scope_in_a_single_process_trains_as_usual(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    strategy = keras.distribute.MirroredStrategy()
    try:
        with strategy.scope():
            model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        assert keras.distribute.distribution() is strategy and strategy.num_replicas_in_sync == 1
        assert keras.distribute.current_distribution() is None
        out = model.predict(np.ones((4, 3), "float32"), verbose=0)
        assert out.shape == (4, 2)
    finally:
        keras.distribute.set_distribution(None)


def test_processes_started_by_hand_use_initialize(tmp_path):
    import socket
    import torch.multiprocessing as mp
    from tests.distribute import dp_scenarios
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(dp_scenarios.explicit_predict_worker, args=(2, port, str(tmp_path)), nprocs=2, join=True)
    x, _ = dp_scenarios.regression_data(n=11)
    expected = dp_scenarios.predict_model(seed=0).predict(x, verbose=0)  # rank 0's model, one process
    for rank in range(2):
        got = np.load(tmp_path / f"explicit_rank{rank}.npy")
        assert got.shape == (11, 2)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
