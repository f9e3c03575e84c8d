# -*- coding: utf-8 -*-
# 텐서플로 2.0 시작하기 스타일: tf.data 파이프라인으로 fit, 그리고 GradientTape로 직접 학습하기
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Flatten
from tensorflow.keras import Model

tf.keras.utils.set_random_seed(1)
print("GPU:", len(tf.config.list_physical_devices('GPU')))

# 8x8 "숫자" 이미지 10종류 (합성 데이터)
rng = np.random.RandomState(0)
prototypes = rng.rand(10, 8, 8)
y_train = rng.randint(0, 10, 3000)
y_test = rng.randint(0, 10, 500)
x_train = (prototypes[y_train] + 0.3 * rng.randn(3000, 8, 8)).astype('float32')
x_test = (prototypes[y_test] + 0.3 * rng.randn(500, 8, 8)).astype('float32')

# 채널 차원 추가
x_train = x_train[..., tf.newaxis]
x_test = x_test[..., tf.newaxis]

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32).prefetch(
    tf.data.experimental.AUTOTUNE)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

model = tf.keras.models.Sequential([
    tf.keras.layers.Flatten(input_shape=(8, 8, 1)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_ds, epochs=3, validation_data=test_ds, verbose=2)
test_loss, test_acc = model.evaluate(test_ds, verbose=0)
print('테스트 정확도: %.4f' % test_acc)


# 전문가용: 모델 서브클래싱과 GradientTape
class MyModel(Model):
    def __init__(self):
        super(MyModel, self).__init__()
        self.flatten = Flatten()
        self.d1 = Dense(64, activation='relu')
        self.d2 = Dense(10)

    def call(self, x):
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


model = MyModel()
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()
train_loss = tf.keras.metrics.Mean(name='train_loss')
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        predictions = model(images, training=True)
        loss = loss_object(labels, predictions)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    train_loss(loss)
    train_accuracy(labels, predictions)


@tf.function
def test_step(images, labels):
    predictions = model(images, training=False)
    test_accuracy(labels, predictions)


EPOCHS = 3
for epoch in range(EPOCHS):
    train_loss.reset_states()
    train_accuracy.reset_states()
    test_accuracy.reset_states()
    for images, labels in train_ds:
        train_step(images, labels)
    for test_images, test_labels in test_ds:
        test_step(test_images, test_labels)
    template = '에포크: {}, 손실: {:.4f}, 정확도: {:.2f}, 테스트 정확도: {:.2f}'
    print(template.format(epoch + 1, train_loss.result(), train_accuracy.result() * 100,
                          test_accuracy.result() * 100))
