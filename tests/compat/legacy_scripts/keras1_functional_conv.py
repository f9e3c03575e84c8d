# Keras 1.2 (2016-2017): the functional API with `input=`/`output=`, `merge(mode='concat')`,
# Convolution2D(nb_filter, nb_row, nb_col) with border_mode/subsample/W_regularizer, a custom init
# built on keras.initializations, and dim_ordering checks. Synthetic 12x12 "images": a bright square
# in the top-left or the bottom-right corner.
from __future__ import print_function
import numpy as np
from keras import backend as K
from keras import initializations
from keras.layers import Input, Convolution2D, MaxPooling2D, Flatten, Dense, Dropout, merge
from keras.models import Model
from keras.regularizers import l2
from keras.utils import np_utils

np.random.seed(1337)
nb_classes = 2
img_rows, img_cols = 12, 12
if K.image_dim_ordering() == 'th':
    input_shape = (1, img_rows, img_cols)
else:
    input_shape = (img_rows, img_cols, 1)
print('dim ordering:', K.image_dim_ordering(), input_shape)

X = np.random.rand(400, img_rows, img_cols, 1).astype('float32') * 0.3
y = np.random.randint(0, nb_classes, 400)
X[y == 0, 1:5, 1:5, 0] += 0.7
X[y == 1, 7:11, 7:11, 0] += 0.7
Y = np_utils.to_categorical(y, nb_classes)


def my_init(shape, name=None):
    return initializations.normal(shape, scale=0.01, name=name)


inputs = Input(shape=input_shape)
tower_1 = Convolution2D(8, 3, 3, border_mode='same', activation='relu', init=my_init,
                        W_regularizer=l2(0.001))(inputs)
tower_1 = MaxPooling2D(pool_size=(2, 2))(tower_1)
tower_2 = Convolution2D(8, 5, 5, border_mode='same', subsample=(2, 2), activation='relu')(inputs)
towers = merge([tower_1, tower_2], mode='concat', concat_axis=-1)
x = Flatten()(towers)
x = Dropout(0.25)(x)
predictions = Dense(nb_classes, activation='softmax', init='glorot_uniform')(x)
model = Model(input=inputs, output=predictions)
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
print('tower shapes:', K.int_shape(tower_1), K.int_shape(tower_2))
print('init std: %.4f' % np.std(model.layers[1].get_weights()[0]))

hist = model.fit(X[:300], Y[:300], batch_size=32, nb_epoch=8, verbose=1, validation_data=(X[300:], Y[300:]))
score = model.evaluate(X[300:], Y[300:], verbose=0)
print('metrics_names:', model.metrics_names)
print('Test score:', score[0])
print('Test accuracy:', score[1])
print('val_acc history length:', len(hist.history['val_acc']))
