"""A masking layer whose call runs MultiHeadAttention on its own inputs keeps the inputs' mask on its
output (keras-io's FNet decoder). MultiHeadAttention consumes its inputs' masks, as Keras 3 does, so the
mask the outputs inherit has to be read before the call, which is what Keras does."""
import numpy as np

import tkeras as keras
from tkeras import layers, ops


class DecoderBlock(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.attention = layers.MultiHeadAttention(num_heads=1, key_dim=4)

    def call(self, inputs, context, mask=None):
        return inputs + self.attention(inputs, context)


TOKENS = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])


def _model():
    tokens = keras.Input((None,), dtype="int32")
    context = keras.Input((None, 4))
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    return keras.Model([tokens, context], DecoderBlock()(embedded, context))


def test_output_keeps_the_input_mask():
    out = _model()([TOKENS, np.ones((2, 3, 4), "float32")])
    np.testing.assert_array_equal(ops.convert_to_numpy(out._keras_mask), TOKENS != 0)


def test_loss_is_masked_by_the_kept_mask():
    model = _model()
    model.compile("sgd", "mse")
    x = [TOKENS, np.ones((2, 3, 4), "float32")]
    pred = model.predict(x, verbose=0)
    y = np.zeros_like(pred)
    weights = (TOKENS != 0).astype("float32")
    per_step = (pred ** 2).mean(-1)
    expected = (per_step * weights).sum() / weights.sum()  # Keras' masked mean over the unmasked steps
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)
