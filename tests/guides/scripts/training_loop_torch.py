"""A training loop from scratch in PyTorch around a Keras model, in the idiom of Keras 3's guide (own code)."""
import os

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import torch
import keras
from keras import layers

keras.utils.set_random_seed(13)
rng = np.random.default_rng(13)


def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    h = layers.Dense(32, activation="relu")(inputs)
    h = layers.Dense(32, activation="relu")(h)
    return keras.Model(inputs=inputs, outputs=layers.Dense(10, name="predictions")(h))


batch_size = 32
x_train = rng.random((256, 784)).astype("float32")
y_train = keras.utils.to_categorical(rng.integers(0, 10, 256), 10)
x_val = rng.random((64, 784)).astype("float32")
y_val = keras.utils.to_categorical(rng.integers(0, 10, 64), 10)
train_dataset = torch.utils.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
val_dataset = torch.utils.data.TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
train_dataloader = torch.utils.data.DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
val_dataloader = torch.utils.data.DataLoader(val_dataset, batch_size=batch_size, shuffle=False)

# 1. A Keras model driven by a torch optimizer and a torch loss.
model = get_model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(2):
    for step, (inputs, targets) in enumerate(train_dataloader):
        logits = model(inputs)
        loss = loss_fn(logits, targets)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"torch optimizer epoch {epoch}: loss {loss.detach().cpu().numpy():.4f}")

# 2. The same loop with a Keras optimizer and a Keras loss.
model = get_model()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
first = None
for epoch in range(2):
    for step, (inputs, targets) in enumerate(train_dataloader):
        logits = model(inputs)
        loss = loss_fn(targets, logits)
        model.zero_grad()
        trainable_weights = [v for v in model.trainable_weights]
        loss.backward()
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            optimizer.apply(gradients, trainable_weights)
        first = float(loss) if first is None else first
print("keras optimizer iterations:", int(optimizer.iterations.numpy()), "loss finite:", np.isfinite(float(loss)))

# 3. Metrics updated by hand, reset each epoch, and a validation pass.
model = get_model()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.CategoricalAccuracy()
val_acc_metric = keras.metrics.CategoricalAccuracy()
for epoch in range(2):
    for step, (inputs, targets) in enumerate(train_dataloader):
        logits = model(inputs, training=True)
        loss = loss_fn(targets, logits)
        model.zero_grad()
        trainable_weights = [v for v in model.trainable_weights]
        loss.backward()
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            optimizer.apply(gradients, trainable_weights)
        train_acc_metric.update_state(targets, logits)
    train_acc = train_acc_metric.result()
    train_acc_metric.reset_state()
    for x_batch_val, y_batch_val in val_dataloader:
        val_logits = model(x_batch_val, training=False)
        val_acc_metric.update_state(y_batch_val, val_logits)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print(f"epoch {epoch}: training acc {float(train_acc):.4f} validation acc {float(val_acc):.4f}")


# 4. Losses added by layers during the forward pass join the loop's loss.
class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * torch.sum(inputs))
        return inputs


inputs = keras.Input(shape=(784,), name="digits")
h = ActivityRegularizationLayer()(layers.Dense(32, activation="relu")(inputs))
h = layers.Dense(32, activation="relu")(h)
model = keras.Model(inputs=inputs, outputs=layers.Dense(10, name="predictions")(h))
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
for step, (inputs, targets) in enumerate(train_dataloader):
    logits = model(inputs)
    loss = loss_fn(targets, logits)
    if model.losses:
        loss = loss + torch.sum(*model.losses)
    model.zero_grad()
    trainable_weights = [v for v in model.trainable_weights]
    loss.backward()
    gradients = [v.value.grad for v in trainable_weights]
    with torch.no_grad():
        optimizer.apply(gradients, trainable_weights)
print("layer losses per step:", len(model.losses))
print("TRAINING LOOP TORCH GUIDE OK")
