"""A Keras 3 script written as Keras' distribution guide writes it (run with `import keras` resolving to
tkeras: `torchrun --nproc_per_node=2 -m tkeras run keras3_distribution_script.py MODE OUT_DIR`).

MODE (then an optional global batch size, default 16): "single" (no distribution), "data" (DataParallel on a 1-D mesh), "model" (ModelParallel, mesh
(1, n) with axes ("batch", "model"), Dense kernels and biases split on "model"), "model_batch" (the
same layout map on a mesh (n, 1): the batch split, the "model" axis of size 1).
The same file runs on real Keras 3 with JAX (two host devices), which is how its API use was checked.
"""
import json
import os
import sys

import numpy as np

import keras

mode, out_dir = sys.argv[1], sys.argv[2]
batch_size = int(sys.argv[3]) if len(sys.argv) > 3 else 16  # Keras on JAX needs it divisible by the batch axis
tag = mode if len(sys.argv) < 4 else f"{mode}_b{batch_size}"
rank = int(os.environ.get("RANK", "0"))

devices = keras.distribution.list_devices()
if mode == "data":
    mesh = keras.distribution.DeviceMesh(shape=(len(devices),), axis_names=["batch"], devices=devices)
    keras.distribution.set_distribution(keras.distribution.DataParallel(device_mesh=mesh))
elif mode in ("model", "model_batch"):
    shape = (1, len(devices)) if mode == "model" else (len(devices), 1)
    mesh = keras.distribution.DeviceMesh(shape=shape, axis_names=("batch", "model"), devices=devices)
    layout_map = keras.distribution.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    keras.distribution.set_distribution(keras.distribution.ModelParallel(layout_map=layout_map,
                                                                         batch_dim_name="batch"))

rng = np.random.default_rng(0)
x = rng.standard_normal((60, 8)).astype("float32")
y = np.stack([np.sin(x[:, 0]) + x[:, 1], x[:, 2] * x[:, 3], np.tanh(x[:, 4:]).sum(axis=1),
              x[:, 5] - x[:, 6]], axis=1).astype("float32")

keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(6, activation="tanh"), keras.layers.Dense(4)])
# Initial weights from NumPy, so that tkeras and Keras (any backend) start from the same point.
init = np.random.default_rng(7)
model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0)
evaluation = model.evaluate(x, y, batch_size=20, verbose=0, return_dict=True)
predictions = model.predict(x[:10], verbose=0)

kernel = model.layers[0].kernel
storage = {}
if hasattr(kernel, "untyped_storage"):  # tkeras: what this rank really holds
    slots = [v for v in model.optimizer.variables if "dense_kernel_momentum" in v.path.replace("/", "_")
             and tuple(v.shape) != ()]
    storage = {"kernel_shape": list(kernel.shape), "kernel_bytes": kernel.untyped_storage().nbytes(),
               "kernel_grad_shape": list(kernel.grad.shape) if kernel.grad is not None else None,
               "slot_shapes": [list(s.shape) for s in slots]}

weights = model.get_weights()
model.save(os.path.join(out_dir, f"{tag}_model.keras"))
model.save_weights(os.path.join(out_dir, f"{tag}.weights.h5"))
if mode == "data":  # rank 0 alone writes and nobody waits for it: reading back is for the sharded modes
    np.savez(os.path.join(out_dir, f"{tag}_rank{rank}.npz"), predictions=predictions, *weights)
    with open(os.path.join(out_dir, f"{tag}_rank{rank}.json"), "w") as f:
        json.dump({"devices": devices, "history": history.history, "evaluation": evaluation}, f)
    sys.exit(0)

# Loading into a distributed model re-shards: a fresh model under the same distribution takes the file.
reloaded = keras.models.load_model(os.path.join(out_dir, f"{tag}_model.keras"))
reloaded_predictions = reloaded.predict(x[:10], verbose=0)
keras.utils.set_random_seed(2)
other = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(6, activation="tanh"), keras.layers.Dense(4)])
other.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
other.predict(x[:2], verbose=0)  # placed (sharded) before the load
other.load_weights(os.path.join(out_dir, f"{tag}.weights.h5"))
loaded_weights_predictions = other.predict(x[:10], verbose=0)

np.savez(os.path.join(out_dir, f"{tag}_rank{rank}.npz"), predictions=predictions,
         reloaded_predictions=reloaded_predictions, loaded_weights_predictions=loaded_weights_predictions,
         *weights)
with open(os.path.join(out_dir, f"{tag}_rank{rank}.json"), "w") as f:
    json.dump({"devices": devices, "history": history.history, "evaluation": evaluation, "storage": storage}, f)
