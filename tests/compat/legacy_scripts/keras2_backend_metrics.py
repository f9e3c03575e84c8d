# -*- coding: utf-8 -*-
# 케라스 백엔드(K)로 만든 F1-score 지표와 K.image_dim_ordering()에 따른 입력 모양 (2019년 스타일)
import numpy as np
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense, Flatten, Convolution2D, MaxPooling2D
from keras.optimizers import RMSprop


def recall_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
    return true_positives / (possible_positives + K.epsilon())


def precision_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    predicted_positives = K.sum(K.round(K.clip(y_pred, 0, 1)))
    return true_positives / (predicted_positives + K.epsilon())


def f1_m(y_true, y_pred):
    precision = precision_m(y_true, y_pred)
    recall = recall_m(y_true, y_pred)
    return 2 * ((precision * recall) / (precision + recall + K.epsilon()))


img_rows, img_cols = 8, 8
if K.image_dim_ordering() == 'th':
    input_shape = (1, img_rows, img_cols)
else:
    input_shape = (img_rows, img_cols, 1)
print("dim ordering:", K.image_dim_ordering(), input_shape)

rng = np.random.RandomState(1)
x = rng.rand(300, img_rows, img_cols, 1).astype('float32') * 0.3
y = rng.randint(0, 2, 300).astype('float32')
x[y == 1, 2:6, 2:6, 0] += 0.7
y[rng.rand(300) < 0.15] = 1  # 라벨 잡음: 일부 음성 샘플을 양성으로 (정밀도가 1이 되지 않도록)

model = Sequential()
model.add(Convolution2D(8, 3, 3, border_mode='same', activation='relu', input_shape=input_shape))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer=RMSprop(lr=0.01), metrics=['acc', f1_m, precision_m, recall_m])
history = model.fit(x, y, nb_epoch=10, batch_size=30, verbose=0)
print("history keys:", sorted(history.history))

loss, accuracy, f1_score, precision, recall = model.evaluate(x, y, batch_size=len(x), verbose=0)
predicted = (model.predict(x, verbose=0).ravel() > 0.5).astype('float32')
tp = float((predicted * y).sum())
np_precision, np_recall = tp / predicted.sum(), tp / y.sum()
np_f1 = 2 * np_precision * np_recall / (np_precision + np_recall)
print("accuracy: %.4f" % accuracy)
print("f1 keras: %.5f numpy: %.5f" % (f1_score, np_f1))
print("precision keras: %.5f numpy: %.5f" % (precision, np_precision))
