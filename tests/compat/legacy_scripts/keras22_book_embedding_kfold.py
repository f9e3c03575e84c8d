# Keras 2.0.8-2.2 (2017-2018), in the style of a well-known deep-learning book's first edition:
# an Embedding model whose summary is printed before training (Keras 2's Embedding gave the model its
# input shape), a pretrained-style embedding matrix loaded with set_weights and frozen, accuracy read
# back as history['acc'], and K-fold validation of a regression model read as
# history.history['val_mean_absolute_error'].
import numpy as np
import matplotlib.pyplot as plt
import tensorflow as tf
from keras import models, layers
from keras.preprocessing.sequence import pad_sequences

# The era's reproducibility idiom: NumPy's seed for the data, TensorFlow's for the initial weights
# (without it, about one initialization in 60 trains this model to the majority class only).
np.random.seed(3)
tf.set_random_seed(3)
vocab, dim = 200, 8
sequences = [list(np.random.randint(2, vocab, size=np.random.randint(5, 20))) for _ in range(800)]
labels = np.array([int(any(t < 20 for t in s)) for s in sequences])
data = pad_sequences(sequences, maxlen=20)

embedding_matrix = np.zeros((vocab, dim))
# "Pretrained" vectors: the informative words (2-19) and the others point different ways; 0 pads.
embedding_matrix[2:20, 0] = 1.0
embedding_matrix[2:20, 2:] = 0.5
embedding_matrix[20:, 1] = 1.0

model = models.Sequential()
model.add(layers.Embedding(vocab, dim))
model.add(layers.GlobalMaxPooling1D())
model.add(layers.Dense(16, activation='relu'))
model.add(layers.Dense(1, activation='sigmoid'))
model.summary()
model.layers[0].set_weights([embedding_matrix])
model.layers[0].trainable = False
model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
history = model.fit(data[:600], labels[:600], epochs=15, batch_size=32, validation_data=(data[600:], labels[600:]),
                    verbose=0)
history_dict = history.history
acc, val_acc = history_dict['acc'], history_dict['val_acc']
print('keys:', sorted(history_dict.keys()))
print('final val_acc: %.3f' % val_acc[-1])
print('embedding unchanged:', np.array_equal(model.layers[0].get_weights()[0], embedding_matrix))

epochs = range(1, len(acc) + 1)
plt.plot(epochs, acc, 'bo', label='Training acc')
plt.plot(epochs, val_acc, 'b', label='Validation acc')
plt.title('Training and validation accuracy')
plt.legend()
plt.show()

# K-fold validation of a small regression model (house-price style data).
x = np.random.rand(200, 5)
y = 3 * x[:, 0] - 2 * x[:, 1] + x[:, 2] + 1
mean, std = x.mean(axis=0), x.std(axis=0)
x = (x - mean) / std


def build_model():
    model = models.Sequential()
    model.add(layers.Dense(32, activation='relu', input_shape=(x.shape[1],)))
    model.add(layers.Dense(1))
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    return model


k = 4
num_val_samples = len(x) // k
all_mae_histories = []
for i in range(k):
    val_data = x[i * num_val_samples: (i + 1) * num_val_samples]
    val_targets = y[i * num_val_samples: (i + 1) * num_val_samples]
    partial_x = np.concatenate([x[:i * num_val_samples], x[(i + 1) * num_val_samples:]], axis=0)
    partial_y = np.concatenate([y[:i * num_val_samples], y[(i + 1) * num_val_samples:]], axis=0)
    model = build_model()
    history = model.fit(partial_x, partial_y, validation_data=(val_data, val_targets), epochs=30, batch_size=8,
                        verbose=0)
    all_mae_histories.append(history.history['val_mean_absolute_error'])
average_mae_history = [np.mean([h[i] for h in all_mae_histories]) for i in range(30)]
print('folds: %d, epochs: %d' % (len(all_mae_histories), len(average_mae_history)))
print('average val mae: first %.3f last %.3f' % (average_mae_history[0], average_mae_history[-1]))
