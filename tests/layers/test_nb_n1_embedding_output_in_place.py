"""`x = self.embedding(ids); x *= tf.math.sqrt(d_model)` in a layer's call (the TensorFlow transformer
tutorials and the Korean NLP book's chatbot): the lookup's output is the layer's own tensor, so writing it
in place during fit is as legal as after torch's F.embedding. Gradients against closed forms."""
import numpy as np
import torch

import tkeras as keras
from tkeras.layers.core._embedding_lookup import lookup

IDS = np.array([[1, 2, 2], [0, 5, 1]])


def test_lookup_output_can_be_scaled_in_place_and_keeps_its_gradient():
    table = torch.randn(6, 4, requires_grad=True)  # narrow table: tkeras' own lookup kernel
    out = lookup(torch.as_tensor(IDS), table)
    out *= 3.0
    out += 1.0
    out.sum().backward()
    counts = np.bincount(IDS.reshape(-1), minlength=6).astype("float32")
    np.testing.assert_allclose(table.grad.numpy(), 3.0 * counts[:, None] * np.ones((6, 4)), rtol=1e-6)


class ScaledEmbedding(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = keras.layers.Embedding(6, 4)

    def call(self, ids):
        x = self.embedding(ids)
        x *= 2.0
        return x


def test_fit_steps_through_an_in_place_scaled_embedding():
    layer = ScaledEmbedding()
    model = keras.Sequential([keras.Input((3,), dtype="int32"), layer])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                  loss=lambda y_true, y_pred: keras.ops.sum(y_pred, axis=(1, 2)))
    before = layer.embedding.embeddings.numpy().copy()
    model.fit(IDS, np.zeros((2, 3, 4), "float32"), batch_size=2, epochs=1, shuffle=False, verbose=0)
    # loss = mean over the 2 samples of 2 * (sum of the looked-up rows): d loss / d row r = count(r)
    counts = np.bincount(IDS.reshape(-1), minlength=6).astype("float32")
    np.testing.assert_allclose(layer.embedding.embeddings.numpy(), before - counts[:, None], rtol=1e-5, atol=1e-6)
