# Keras 2.1-2.2 (2018): data from a keras.utils.Sequence and a plain generator, trained with
# fit_generator(steps_per_epoch=..., workers=...), a K.* custom loss and metric, the TF1 session
# snippet, and the history/checkpoint names of that era ('val_mean_absolute_error').
from __future__ import print_function
import glob
import math
import os

import numpy as np
import keras
import tensorflow as tf
from keras import backend as K
from keras.callbacks import ModelCheckpoint, EarlyStopping
from keras.layers import Dense
from keras.models import Sequential, load_model
from keras.utils import Sequence

config = tf.ConfigProto()
config.gpu_options.allow_growth = True
K.set_session(tf.Session(config=config))
if keras.__version__ >= '2.0.0':  # the Keras 2 branch: `epochs`, not `nb_epoch`
    print('Keras 2 API')

rng = np.random.RandomState(0)
W_TRUE = np.array([[2.0], [-1.0], [0.5]])
x_all = rng.rand(960, 3)
y_all = x_all.dot(W_TRUE) + 0.3


class ArraySequence(Sequence):
    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(math.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[batch], self.y[batch]


def batch_generator(x, y, batch_size):
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def huberish_loss(y_true, y_pred):
    error = K.abs(y_true - y_pred)
    return K.mean(K.switch(error < 1.0, 0.5 * K.square(error), error - 0.5), axis=-1)


model = Sequential()
model.add(Dense(16, activation='relu', input_shape=(3,)))
model.add(Dense(1))
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss=huberish_loss, metrics=['mae', rmse])
print('metrics_names:', model.metrics_names)

train = ArraySequence(x_all[:768], y_all[:768], 32)
checkpoint = ModelCheckpoint('weights.{epoch:02d}-{val_mean_absolute_error:.3f}.h5',
                             monitor='val_mean_absolute_error', save_best_only=True, mode='min')
stopper = EarlyStopping(monitor='val_mean_absolute_error', patience=50)
history = model.fit_generator(train, steps_per_epoch=len(train), epochs=12,
                              validation_data=batch_generator(x_all[768:], y_all[768:], 64), validation_steps=3,
                              workers=2, use_multiprocessing=False, callbacks=[checkpoint, stopper], verbose=0)
print('history keys:', sorted(history.history.keys()))
val_mae = history.history['val_mean_absolute_error']
print('val_mean_absolute_error: first %.3f last %.3f' % (val_mae[0], val_mae[-1]))
print('checkpoints:', len(glob.glob('weights.*.h5')) > 0, 'best file has the best val mae:',
      os.path.exists('weights.%02d-%.3f.h5' % (int(np.argmin(val_mae)) + 1, min(val_mae))))

scores = model.evaluate_generator(ArraySequence(x_all[768:], y_all[768:], 64), steps=3)
print('evaluate_generator:', ', '.join('%s=%.4f' % pair for pair in zip(model.metrics_names, scores)))
preds = model.predict_generator(ArraySequence(x_all[768:], y_all[768:], 64), steps=3)
print('predict_generator shape:', preds.shape)
print('numpy mae: %.4f' % np.mean(np.abs(preds - y_all[768:])))
best = load_model('weights.%02d-%.3f.h5' % (int(np.argmin(val_mae)) + 1, min(val_mae)),
                  custom_objects={'huberish_loss': huberish_loss, 'rmse': rmse})
print('reloaded predicts the same shape:', best.predict(x_all[:2]).shape)
