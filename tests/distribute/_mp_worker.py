"""One rank of the ModelParallel extras run (callbacks, Adam, a subclassed model, errors), started by
test_model_parallel.py under torchrun; also runs as one plain process ("single") for the reference.

Every scenario runs on every rank in the same order; scenarios that must fail record the error text.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import tkeras as keras  # noqa: E402

D = keras.distribution


def distribution(shape=(1, 2)):
    mesh = D.DeviceMesh(shape, ("batch", "model"), D.list_devices())
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    return D.ModelParallel(layout_map=layout_map)


class TwoTower(keras.Model):
    """A subclassed model, built lazily by its first batch."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(8, activation="tanh")
        self.dense_out = keras.layers.Dense(2)

    def call(self, inputs):
        return self.dense_out(self.dense(inputs))


def data(n=24):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, 4)).astype("float32")
    y = np.stack([x[:, 0] * x[:, 1], np.sin(x[:, 2] + x[:, 3])], axis=1).astype("float32")
    return x, y


def main(out_dir, distributed):
    rank = int(os.environ.get("RANK", "0"))
    tag = f"rank{rank}" if distributed else "single"
    if distributed:
        D.set_distribution(distribution())
    x, y = data()
    keras.utils.set_random_seed(3)
    model = TwoTower()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(out_dir, f"ckpt_{tag}_{{epoch}}.keras"))
    csv = keras.callbacks.CSVLogger(os.path.join(out_dir, f"log_{tag}.csv"))
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x[:10], y[:10]),
                        callbacks=[checkpoint, csv, keras.callbacks.EarlyStopping(monitor="loss", patience=5)])
    predictions = model.predict(x, batch_size=10, verbose=0)
    result = {"history": history.history, "errors": {}}
    keras.utils.set_random_seed(4)
    fresh = TwoTower()  # never built: predict builds it on its first batch, then places its weights
    fresh_predictions = fresh.predict(x[:5], verbose=0)
    np.savez(os.path.join(out_dir, f"extras_{tag}.npz"), predictions=predictions, fresh_predictions=fresh_predictions,
             *model.get_weights())
    # Layers with no sharded weight (the LSTM's fused kernel, Dropout, Flatten) run on plain rows, next
    # to sharded Dense layers; on a (2, 1) mesh the LSTM's gradients are summed over the batch axis.
    for shape in ((1, 2), (2, 1)):
        if distributed:
            D.set_distribution(distribution(shape))
        keras.utils.set_random_seed(6)
        recurrent = keras.Sequential([keras.Input((5, 4)), keras.layers.LSTM(6), keras.layers.Dropout(0.0),
                                      keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
        recurrent.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        sequences = np.repeat(x[:, None, :], 5, axis=1) * np.linspace(0.5, 1.5, 5)[None, :, None].astype("float32")
        recurrent.fit(sequences, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        np.savez(os.path.join(out_dir, f"lstm_{shape[0]}x{shape[1]}_{tag}.npz"), *recurrent.get_weights())
    if distributed:
        mesh = D.DeviceMesh((1, 2), ("batch", "model"), D.list_devices())
        whole = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        laid_out = D.distribute_tensor(whole, D.TensorLayout((None, "model"), mesh))
        variable = D.distribute_variable(np.ones((2, 4), "float32"), D.TensorLayout(("model", None), mesh))
        result["distribute_tensor"] = {"local": laid_out.to_local().tolist(),
                                       "whole": laid_out.full_tensor().tolist(),
                                       "variable_local_shape": list(variable.to_local().shape),
                                       "variable_requires_grad": variable.requires_grad}
        result["gathers"] = _gathers_in_a_step_and_a_forward_pass()
        result["kernel_shape"] = list(model.dense.kernel.shape)
        for label, run in (("bad_layout_rank", _bad_layout_rank), ("uncovered_batch", _uncovered_batch),
                           ("conv_split_on_filters", _conv_split_on_filters)):
            try:
                run()
                result["errors"][label] = None
            except ValueError as error:
                result["errors"][label] = str(error)
    with open(os.path.join(out_dir, f"extras_{tag}.json"), "w") as f:
        json.dump(result, f)


def _bad_layout_rank():
    mesh = D.DeviceMesh((1, 2), ("batch", "model"), D.list_devices())
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = ("model",)  # a kernel has two dimensions
    D.set_distribution(D.ModelParallel(layout_map=layout_map))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, name="dense_wide")])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(*data(8), batch_size=4, epochs=1, verbose=0)


def _uncovered_batch():
    D.set_distribution(distribution((2, 1)))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = data(9)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # the last batch has 1 sample for 2 batch ranks


def _gathers_in_a_step_and_a_forward_pass():
    """All-gathers torch runs for one training step and for one forward pass of a 3-Dense model whose
    kernels are split on columns: equal counts mean the backward pass gathers nothing (no kernel-sized
    gradient is assembled and cut)."""
    from torch.distributed.tensor.debug import CommDebugMode
    D.set_distribution(distribution())
    keras.utils.set_random_seed(8)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = data(8)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # places the weights
    counts = {}
    for label, run in (("step", lambda: model.fit(x, y, batch_size=8, epochs=1, verbose=0)),
                       ("forward", lambda: model.predict(x, batch_size=8, verbose=0))):
        mode = CommDebugMode()
        with mode:
            run()
        counts[label] = sum(n for op, n in mode.get_comm_counts().items() if "gather" in str(op))
    return counts


def _conv_split_on_filters():
    mesh = D.DeviceMesh((1, 2), ("batch", "model"), D.list_devices())
    layout_map = D.LayoutMap(mesh)
    layout_map[".*conv2d.*kernel"] = (None, None, None, "model")  # torch 2.13's DTensor gets this one wrong
    layout_map[".*conv2d.*bias"] = ("model",)
    D.set_distribution(D.ModelParallel(layout_map=layout_map))
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    try:
        model.predict(np.ones((4, 6, 6, 1), "float32"), verbose=0)
    except RuntimeError as error:  # recorded like the ValueErrors
        raise ValueError(str(error)) from error


if __name__ == "__main__":
    torch.set_num_threads(1)
    main(sys.argv[1], distributed="RANK" in os.environ)
