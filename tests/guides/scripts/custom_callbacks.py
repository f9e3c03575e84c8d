"""Writing your own callbacks, in the idiom of Keras 3's guide (own code, synthetic data)."""
import numpy as np
import keras

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)

x_train = rng.random((200, 784)).astype("float32")
y_train = rng.random(200).astype("float32")
x_test, y_test = x_train[:50], y_train[:50]


def get_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.1), loss="mean_squared_error",
                  metrics=["mean_absolute_error"])
    return model


class KeyLister(keras.callbacks.Callback):
    """Every hook lists the keys of the logs it gets (an empty dict where nothing is logged yet)."""

    def __init__(self):
        super().__init__()
        self.calls = {}

    def _note(self, hook, logs):
        keys = list(logs.keys())
        self.calls.setdefault(hook, keys)

    def on_train_begin(self, logs=None):
        self._note("train_begin", logs)

    def on_train_end(self, logs=None):
        self._note("train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._note("epoch_begin", logs)

    def on_epoch_end(self, epoch, logs=None):
        self._note("epoch_end", logs)

    def on_test_begin(self, logs=None):
        self._note("test_begin", logs)

    def on_test_end(self, logs=None):
        self._note("test_end", logs)

    def on_predict_begin(self, logs=None):
        self._note("predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._note("predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._note("train_batch_begin", logs)

    def on_train_batch_end(self, batch, logs=None):
        self._note("train_batch_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._note("test_batch_begin", logs)

    def on_test_batch_end(self, batch, logs=None):
        self._note("test_batch_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._note("predict_batch_begin", logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._note("predict_batch_end", logs)


model = get_model()
lister = KeyLister()
model.fit(x_train, y_train, batch_size=128, epochs=1, verbose=0, validation_split=0.5, callbacks=[lister])
model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[lister])
model.predict(x_test, batch_size=128, verbose=0, callbacks=[lister])
for hook in sorted(lister.calls):
    print(f"{hook}: {sorted(lister.calls[hook])}")


class LossAndErrorPrinting(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print(f"Up to batch {batch}, the average loss is {logs['loss']:7.2f}.")

    def on_test_batch_end(self, batch, logs=None):
        print(f"Up to batch {batch}, the average loss is {logs['loss']:7.2f}.")

    def on_epoch_end(self, epoch, logs=None):
        print(f"The average loss for epoch {epoch} is {logs['loss']:7.2f} and mean absolute error is "
              f"{logs['mean_absolute_error']:7.2f}.")


model = get_model()
model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0, callbacks=[LossAndErrorPrinting()])
model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[LossAndErrorPrinting()])


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stops when the loss stops falling, and puts the best weights back."""

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


model = get_model()
stopper = EarlyStoppingAtMinLoss(patience=1)
history = model.fit(x_train, y_train, batch_size=64, epochs=30, verbose=0,
                    callbacks=[LossAndErrorPrinting(), stopper])
print("epochs run:", len(history.history["loss"]), "best kept:",
      all(np.array_equal(a, b) for a, b in zip(model.get_weights(), stopper.best_weights)))


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Sets the optimizer's learning rate from a schedule function at each epoch start."""

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        lr = self.model.optimizer.learning_rate
        scheduled_lr = self.schedule(epoch, lr)
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"Epoch {epoch}: learning rate is {float(np.array(scheduled_lr)):6.4f}.")


LR_SCHEDULE = [(1, 0.05), (2, 0.01)]


def lr_schedule(epoch, lr):
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for start, rate in LR_SCHEDULE:
        if epoch == start:
            return rate
    return lr


model = get_model()
model.fit(x_train, y_train, batch_size=64, epochs=3, verbose=0, callbacks=[CustomLearningRateScheduler(lr_schedule)])
print("final learning rate:", round(float(model.optimizer.learning_rate.numpy()), 4))
print("CALLBACKS GUIDE OK")
