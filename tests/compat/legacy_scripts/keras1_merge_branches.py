# Keras 1.x (2016): two Sequential branches joined by the `Merge` layer, the model-level idiom the
# functional API replaced. Branch 1 reads a token sequence (Embedding + LSTM with dropout_W/dropout_U),
# branch 2 a vector of side features; the label depends on both.
from __future__ import print_function
import numpy as np
from keras.models import Sequential
from keras.layers import Merge, Dense, Activation
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM

np.random.seed(7)
max_features, maxlen, n = 50, 10, 600
X_seq = np.random.randint(1, max_features, size=(n, maxlen))
X_side = np.random.rand(n, 4)
has_token = (X_seq == 7).any(axis=1)
y = (has_token | (X_side[:, 0] > 0.6)).astype('int32')

seq_branch = Sequential()
seq_branch.add(Embedding(max_features, 16, input_length=maxlen))
seq_branch.add(LSTM(16, dropout_W=0.1, dropout_U=0.1))
side_branch = Sequential()
side_branch.add(Dense(8, input_dim=4, activation='relu'))

model = Sequential()
model.add(Merge([seq_branch, side_branch], mode='concat'))
model.add(Dense(16, activation='relu'))
model.add(Dense(1))
model.add(Activation('sigmoid'))
model.summary()
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])

hist = model.fit([X_seq[:500], X_side[:500]], y[:500], batch_size=32, nb_epoch=25, verbose=0,
                 validation_split=0.1)
loss, acc = model.evaluate([X_seq[500:], X_side[500:]], y[500:], batch_size=32, verbose=0)
print('Test accuracy:', acc)
print('best val_acc: %.3f' % max(hist.history['val_acc']))
proba = model.predict_proba([X_seq[500:505], X_side[500:505]], verbose=0)
classes = model.predict_classes([X_seq[500:505], X_side[500:505]], verbose=0)
print('classes agree with proba:', bool(((proba > 0.5).astype('int32') == classes).all()))
print('weights:', len(model.get_weights()))
