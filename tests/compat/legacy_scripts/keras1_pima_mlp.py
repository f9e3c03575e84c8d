# -*- coding: utf-8 -*-
# 케라스(Keras 1)로 당뇨병 발병 예측하기 - 2017년 블로그 튜토리얼 스타일 (데이터는 피마 인디언 대신 합성 데이터)
import numpy as np
import matplotlib.pyplot as plt
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.utils import np_utils

# 랜덤 시드 고정
seed = 7
np.random.seed(seed)

# 데이터 만들기: 8개 특징, 768명
X = np.random.rand(768, 8)
Y = (X[:, 1] + 0.5 * X[:, 5] > 0.8).astype('int32')

# 모델 구성하기
model = Sequential()
model.add(Dense(12, input_dim=8, init='uniform', activation='relu'))
model.add(Dense(8, init='uniform', activation='relu'))
model.add(Dense(1, init='uniform', activation='sigmoid'))

# 모델 학습과정 설정하기
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])

# 모델 학습시키기
hist = model.fit(X, Y, nb_epoch=40, batch_size=10, verbose=0)

# 모델 평가하기
scores = model.evaluate(X, Y, verbose=0)
print("%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))
print("last acc: %.4f" % hist.history['acc'][-1])

# 모델 사용하기
classes = model.predict_classes(X[:5], verbose=0)
print("classes:", classes.ravel().tolist(), "labels:", Y[:5].tolist())

# 다중 클래스: 붓꽃 분류 스타일 (원-핫 인코딩은 np_utils)
y3 = np.digitize(X[:, 0] + X[:, 2], [0.7, 1.3])
Y3 = np_utils.to_categorical(y3, nb_classes=3)
model3 = Sequential()
model3.add(Dense(output_dim=16, input_dim=8, activation='relu'))
model3.add(Dropout(0.1))
model3.add(Dense(output_dim=3))
model3.add(Activation('softmax'))
model3.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
hist3 = model3.fit(X, Y3, nb_epoch=60, batch_size=16, verbose=0, validation_split=0.2)
print("val_acc: %.4f" % hist3.history['val_acc'][-1])
print("proba rows sum to one:", np.allclose(model3.predict_proba(X[:4], verbose=0).sum(1), 1, atol=1e-5))

# 학습 과정 그래프
fig, loss_ax = plt.subplots()
acc_ax = loss_ax.twinx()
loss_ax.plot(hist3.history['loss'], 'y', label='train loss')
loss_ax.plot(hist3.history['val_loss'], 'r', label='val loss')
acc_ax.plot(hist3.history['acc'], 'b', label='train acc')
acc_ax.plot(hist3.history['val_acc'], 'g', label='val acc')
loss_ax.set_xlabel('epoch')
loss_ax.legend(loc='upper left')
plt.show()
