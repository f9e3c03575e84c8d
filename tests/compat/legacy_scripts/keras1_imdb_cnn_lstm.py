# -*- coding: utf-8 -*-
# Keras 1 예제 imdb_cnn_lstm.py 스타일: 영화 리뷰 감성 분류 (합성곱 + LSTM), 큰 데이터는 제너레이터로
import numpy as np
np.random.seed(1337)  # 재현성

from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.layers.convolutional import Convolution1D, MaxPooling1D
from keras.optimizers import RMSprop
from keras.datasets import imdb

max_features = 5000
maxlen = 100
embedding_size = 32
nb_filter = 32
filter_length = 5
pool_length = 4
lstm_output_size = 32
batch_size = 32
nb_epoch = 2

print('Loading data...')
(X_train, y_train), (X_test, y_test) = imdb.load_data(nb_words=max_features)
X_train, y_train = X_train[:6000], y_train[:6000]
X_test, y_test = X_test[:2000], y_test[:2000]
print(len(X_train), 'train sequences')
print(len(X_test), 'test sequences')

print('Pad sequences (samples x time)')
X_train = sequence.pad_sequences(X_train, maxlen=maxlen)
X_test = sequence.pad_sequences(X_test, maxlen=maxlen)
print('X_train shape:', X_train.shape)

print('Build model...')
model = Sequential()
model.add(Embedding(max_features, embedding_size, input_length=maxlen, dropout=0.2))
model.add(Convolution1D(nb_filter=nb_filter, filter_length=filter_length, border_mode='valid',
                        activation='relu', subsample_length=1))
model.add(MaxPooling1D(pool_length=pool_length))
model.add(LSTM(lstm_output_size, dropout_W=0.2, dropout_U=0.2))
model.add(Dense(1))
model.add(Activation('sigmoid'))
model.compile(loss='binary_crossentropy', optimizer=RMSprop(lr=0.003), metrics=['accuracy'])
model.summary()


def batches(X, y, size):
    while True:
        order = np.random.permutation(len(X))
        for start in range(0, len(X) - size + 1, size):
            index = order[start:start + size]
            yield X[index], y[index]


print('Train...')
model.fit_generator(batches(X_train, y_train, batch_size), samples_per_epoch=len(X_train), nb_epoch=nb_epoch,
                    validation_data=(X_test, y_test), verbose=2)
score, acc = model.evaluate(X_test, y_test, batch_size=batch_size, show_accuracy=True, verbose=0)
print('Test score:', score)
print('Test accuracy:', acc)
