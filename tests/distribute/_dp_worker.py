"""One rank of the 2-process test run (started by test_data_parallel.py with torchrun's variables).

Every scenario runs on every rank in the same order; scenarios that must fail record the error text
so the test can check that each rank raised (and nobody hung waiting on a collective).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import tkeras as keras  # noqa: E402
from tests.distribute import dp_scenarios as scenarios  # noqa: E402


def main(out_dir):
    rank = int(os.environ["RANK"])
    results = {}

    history, weights, predictions, evaluation = scenarios.train_reference_model(
        csv_dir=out_dir, callbacks_extra=[_PerRankMarker(out_dir)])
    results["history"] = history
    np.savez(os.path.join(out_dir, f"rank{rank}.npz"), predictions=predictions, *weights)
    results["evaluation"] = evaluation

    x, y = scenarios.regression_data(n=21)
    errors = {}
    for label, run in (
            ("mismatched_sizes", lambda: _fit(x[: 21 - rank], y[: 21 - rank], batch_size=4)),
            ("fewer_samples_than_ranks", lambda: _fit(x[:1], y[:1], batch_size=4)),
            ("batch_smaller_than_ranks", lambda: _fit(x, y, batch_size=1)),
            ("different_data", lambda: _fit(x + rank, y, batch_size=4)),
            ("predict_fewer_samples_than_ranks", lambda: scenarios.make_model().predict(x[:1], verbose=0)),
            ("evaluate_batch_smaller_than_ranks", lambda: scenarios.make_model().evaluate(x, y, batch_size=1,
                                                                                          verbose=0)),
    ):
        try:
            run()
            errors[label] = None
        except ValueError as error:
            errors[label] = str(error)
    results["errors"] = errors

    model = scenarios.make_model()
    model.fit(x, y, batch_size=6, epochs=2, shuffle=True, verbose=0)
    np.savez(os.path.join(out_dir, f"shuffled_rank{rank}.npz"), *model.get_weights())
    # An unchanged script saves on every rank; only rank 0 may write (each rank names its own file here
    # so the test can see who wrote).
    model.save(os.path.join(out_dir, f"model_rank{rank}.keras"))
    model.save_weights(os.path.join(out_dir, f"weights_rank{rank}.weights.h5"))

    np.savez(os.path.join(out_dir, f"custom_step_rank{rank}.npz"), *scenarios.train_custom_step_model())
    for synchronized in (True, False):
        np.savez(os.path.join(out_dir, f"batch_norm_{synchronized}_rank{rank}.npz"),
                 *scenarios.train_batch_norm_model(synchronized))

    with open(os.path.join(out_dir, f"results_rank{rank}.json"), "w") as f:
        json.dump(results, f)


def _fit(x, y, batch_size):
    model = scenarios.make_model()
    return model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)


class _PerRankMarker(keras.callbacks.Callback):
    """Runs on every rank (no chief_only): shows the non-writer callbacks still run everywhere."""

    def __init__(self, out_dir):
        super().__init__()
        self.out_dir = out_dir

    def on_train_end(self, logs=None):
        with open(os.path.join(self.out_dir, f"marker_rank{os.environ['RANK']}"), "w") as f:
            f.write("ran")


if __name__ == "__main__":
    torch.set_num_threads(1)
    main(sys.argv[1])
