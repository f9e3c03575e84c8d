# tf.keras 2.0-2.5 (2019-2021): the GPU memory-growth loop, a string version check, a
# tf.keras.utils.Sequence fed to fit with workers, predict_proba (removed in TF 2.6), a checkpoint on
# val_accuracy reloaded with load_model, and a 1-element prediction turned into a Python number.
import math

import numpy as np
import tensorflow as tf

gpus = tf.config.experimental.list_physical_devices('GPU')
for gpu in gpus:
    tf.config.experimental.set_memory_growth(gpu, True)
print('GPUs:', len(gpus) >= 0, 'TF', tf.version.VERSION)
if tf.__version__ >= '2.4':  # a plain string comparison, as many notebooks wrote it
    print('TF 2.4+ branch')
else:
    print('old TF 2 branch')
tf.random.set_seed(0)
np.random.seed(0)

x = np.random.rand(512, 6).astype('float32')
y = (x[:, 0] + x[:, 1] > 1.0).astype('int32')


class Batches(tf.keras.utils.Sequence):
    def __init__(self, x, y, batch_size=32):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]


model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(32, activation='relu', input_shape=(6,)),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
checkpoint = tf.keras.callbacks.ModelCheckpoint('best_model.h5', monitor='val_accuracy', save_best_only=True)
history = model.fit(Batches(x[:400], y[:400]), epochs=20, validation_data=(x[400:], y[400:]), workers=2,
                    use_multiprocessing=False, callbacks=[checkpoint], verbose=0)
print('history keys:', sorted(history.history))
loss, accuracy = model.evaluate(x[400:], y[400:], verbose=0)
print('metrics_names:', model.metrics_names)
print('Test accuracy: %.3f' % accuracy)
print('predict_proba shape:', model.predict_proba(x[:3]).shape)

best = tf.keras.models.load_model('best_model.h5')
print('best model val accuracy: %.3f' % best.evaluate(x[400:], y[400:], verbose=0)[1])

prediction = model.predict(x[:1])
print('prediction shape:', prediction.shape)
try:
    value = float(prediction)  # numpy < 2.4 accepted a (1, 1) array here
except TypeError as error:
    print('float(prediction) refused by numpy', np.__version__ + ':', error)
    value = float(prediction[0, 0])  # works with every numpy: take the element
print('probability: %.3f' % value)
