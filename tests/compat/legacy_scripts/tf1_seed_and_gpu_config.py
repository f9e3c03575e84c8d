# -*- coding: utf-8 -*-
# 2018년 스타일: TensorFlow 1 백엔드 설정(GPU 메모리, 시드, 로그)과 재현 가능한 학습
import numpy as np
import tensorflow as tf
import keras
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense, Dropout
from tensorflow.python.client import device_lib

print(device_lib.list_local_devices()[0].name)
print("GPU 사용 가능:", tf.test.is_gpu_available())
tf.logging.set_verbosity(tf.logging.ERROR)

# GPU 메모리를 필요한 만큼만 쓰기
config = tf.ConfigProto()
config.gpu_options.allow_growth = True
sess = tf.Session(config=config)
K.set_session(sess)

x = np.random.RandomState(0).rand(200, 5)
y = x @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + 0.1


def train():
    np.random.seed(42)
    tf.set_random_seed(42)
    model = Sequential()
    model.add(Dense(16, input_shape=(5,), activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(1))
    model.compile(loss='mse', optimizer=tf.train.AdamOptimizer(learning_rate=0.01))
    hist = model.fit(x, y, epochs=15, batch_size=20, verbose=0)
    return hist.history['loss'], model


first, model = train()
K.clear_session()
second, _ = train()
print("재현 가능:", first == second)
print("loss 감소:", first[-1] < first[0] / 5)
print("dense name after clear_session:", model.layers[0].name)
print("K.int_shape:", K.int_shape(model.layers[0].kernel))
