# Keras 1.x / 2.0 (2016-2017): star imports, a custom layer written as the Keras 1 guide showed it
# (weights from K.variable listed in self.trainable_weights, get_output_shape_for), and K.function to
# read an intermediate layer with the learning phase switched off.
from __future__ import print_function
import numpy as np
from keras import backend as K
from keras.engine.topology import Layer
from keras.layers import *
from keras.models import *


class Antirectifier(Layer):
    """x -> [relu(x - mean), relu(mean - x)], normalised per sample (doubles the features)."""

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], input_shape[1] * 2)

    def call(self, x, mask=None):
        x = x - K.mean(x, axis=1, keepdims=True)
        x = K.l2_normalize(x, axis=1)
        return K.concatenate([K.relu(x), K.relu(-x)], axis=1)


class Scale(Layer):
    def __init__(self, **kwargs):
        super(Scale, self).__init__(**kwargs)

    def build(self, input_shape):
        self.gamma = K.variable(np.ones((input_shape[1],)), name='{}_gamma'.format(self.name))
        self.trainable_weights = [self.gamma]

    def call(self, x, mask=None):
        return x * self.gamma

    def get_output_shape_for(self, input_shape):
        return input_shape


np.random.seed(5)
X = np.random.randn(600, 10).astype('float32')
y = (X[:, 0] - X[:, 1] > 0).astype('int32')
Y = np.eye(2)[y]

model = Sequential()
model.add(Dense(32, input_dim=10))
model.add(Antirectifier())
model.add(Scale())
model.add(Dropout(0.1))
model.add(Dense(2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
print('output shapes:', [layer.output_shape for layer in model.layers[:3]])
print('Scale weights:', [w.shape for w in model.layers[2].get_weights()])

gamma_before = K.get_value(model.layers[2].gamma).copy()
hist = model.fit(X[:500], Y[:500], batch_size=32, nb_epoch=10, verbose=0, validation_data=(X[500:], Y[500:]))
print('gamma trained:', not np.allclose(gamma_before, K.get_value(model.layers[2].gamma)))
print('val_acc: %.3f' % hist.history['val_acc'][-1])

get_features = K.function([model.layers[0].input, K.learning_phase()], [model.layers[1].output])
features = get_features([X[:5], 0])[0]
print('features:', features.shape, 'non-negative:', bool((features >= 0).all()))
