# tf.keras on TensorFlow 1.13-1.15 (2019), the way TF1 tutorials wrote it and the way TF's upgrade
# script left it (tf.compat.v1.*): version checks, the session/GPU snippet, a CuDNNLSTM from
# tf.compat.v1.keras.layers, a TF1 optimizer, EarlyStopping on 'val_acc' (TF1 logged accuracy as
# 'acc'), and an Estimator conversion that tkeras refuses with one line.
from __future__ import absolute_import, division, print_function
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.compat.v1.keras.layers import CuDNNLSTM

print('TensorFlow', tf.VERSION, tf.GIT_VERSION)
if tf.__version__ < '1.14':
    raise SystemExit('this tutorial needs TensorFlow 1.14 or newer')
if tf.__version__.startswith('1.'):
    tf.enable_eager_execution()
else:
    print('TF2 branch, version', tf.version.VERSION)

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
tf.compat.v1.set_random_seed(42)
np.random.seed(42)
config = tf.compat.v1.ConfigProto(log_device_placement=False)
config.gpu_options.allow_growth = True
sess = tf.compat.v1.Session(config=config)
tf.compat.v1.keras.backend.set_session(sess)

# Sequences of 12 steps: class 1 when the signal rises, class 0 when it falls.
n, steps = 600, 12
slope = np.random.choice([-1.0, 1.0], size=n)
x = (slope[:, None] * np.linspace(0, 1, steps)[None, :] + 0.3 * np.random.randn(n, steps))[..., None]
y = (slope > 0).astype('int32')

model = keras.Sequential([
    CuDNNLSTM(16, input_shape=(steps, 1)),
    keras.layers.Dense(2, activation=tf.nn.softmax),
])
model.compile(optimizer=tf.train.AdamOptimizer(0.01), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
early = keras.callbacks.EarlyStopping(monitor='val_acc', patience=3, restore_best_weights=True)
history = model.fit(x[:500], y[:500], epochs=15, batch_size=32, validation_split=0.2, callbacks=[early], verbose=0)
print('epochs run:', len(history.history['val_acc']), 'best val_acc: %.3f' % max(history.history['val_acc']))
test_loss, test_acc = model.evaluate(x[500:], y[500:], verbose=0)
print('Test accuracy: %.3f' % test_acc)

try:
    estimator = tf.keras.estimator.model_to_estimator(keras_model=model)
except AttributeError as error:
    print('estimator refused:', error)
tf.compat.v1.reset_default_graph()
keras.backend.clear_session()
print('dense name after reset:', keras.layers.Dense(1).name)
