"""Mixed precision, in the idiom of Keras 3's guide (own code, synthetic data)."""
import numpy as np
import keras
from keras import layers, mixed_precision

keras.utils.set_random_seed(29)
rng = np.random.default_rng(29)

mixed_precision.set_global_policy("mixed_float16")
policy = mixed_precision.global_policy()
print("policy:", policy.name, "compute:", policy.compute_dtype, "variables:", policy.variable_dtype)

inputs = keras.Input(shape=(784,), name="digits")
dense1 = layers.Dense(64, activation="relu", name="dense_1")
h = dense1(inputs)
h = layers.Dense(64, activation="relu", name="dense_2")(h)
print("dense_1 policy:", dense1.dtype_policy.name, "x.dtype:", h.dtype, "kernel:", dense1.kernel.dtype)
h = layers.Dense(10, name="dense_logits")(h)
print("logits dtype:", h.dtype)
outputs = layers.Activation("softmax", dtype="float32", name="predictions")(h)
print("outputs dtype:", outputs.dtype)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
print("optimizer:", type(model.optimizer).__name__)

x_train = rng.random((256, 784)).astype("float32")
y_train = rng.integers(0, 10, 256)
initial_weights = model.get_weights()
history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.25, verbose=0)
print("loss finite:", bool(np.isfinite(history.history["loss"]).all()))
predictions = model.predict(x_train[:4], verbose=0)
print("predictions dtype:", predictions.dtype, "rows sum to one:", bool(np.allclose(predictions.sum(axis=1), 1, atol=1e-3)))
print("weights stay float32:", all(w.dtype == np.float32 for w in model.get_weights()))

# A custom training step scales the loss itself through LossScaleOptimizer.
optimizer = mixed_precision.LossScaleOptimizer(keras.optimizers.Adam())
print("loss scale optimizer wraps:", type(optimizer.inner_optimizer).__name__)

# Per-layer policies without a global one.
mixed_precision.set_global_policy("float32")
layer = layers.Dense(4, dtype=mixed_precision.Policy("mixed_bfloat16"))
out = layer(np.ones((2, 3), "float32"))
print("per-layer bfloat16:", layer.compute_dtype, layer.variable_dtype, str(out.dtype))
print("global back to:", mixed_precision.global_policy().name)
print("MIXED PRECISION GUIDE OK")
