"""`fit(class_weight=...)` on segmentation masks (batch, h, w, 1): one weight per pixel, as tf-keras 2.

The segmentation tutorial fits a U-Net on masks with `class_weight={0: 2.0, 1: 2.0, 2: 1.0}`; tf-keras
2.21 weighs every pixel by its class (the mask less its last axis). The reference is the same fit given
those per-pixel weights as `sample_weight`, built with NumPy; a zero learning rate keeps the weights fixed.
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers
from tkeras.compat import tf_namespace as tf

CLASS_WEIGHT = {0: 2.0, 1: 5.0, 2: 1.0}
RNG = np.random.default_rng(0)
IMAGES = RNG.normal(size=(6, 4, 5, 3)).astype("float32")
MASKS = RNG.integers(0, 3, size=(6, 4, 5, 1)).astype("float32")
PIXEL_WEIGHTS = np.array([CLASS_WEIGHT[c] for c in range(3)], "float32")[MASKS[..., 0].astype(int)]


def _model():
    model = keras.Sequential([keras.Input((4, 5, 3)), layers.Conv2D(3, 1, kernel_initializer="glorot_uniform")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _loss(model, **fit_kwargs):
    return model.fit(epochs=1, verbose=0, shuffle=False, **fit_kwargs).history["loss"][0]


@pytest.mark.parametrize("as_dataset", [False, True])
def test_class_weight_on_masks_equals_per_pixel_sample_weight(as_dataset):
    model = _model()
    expected = _loss(model, x=IMAGES, y=MASKS, sample_weight=PIXEL_WEIGHTS, batch_size=6)
    if as_dataset:
        data = tf.data.Dataset.from_tensor_slices((IMAGES, MASKS)).batch(6)
        got = _loss(model, x=data, class_weight=CLASS_WEIGHT)
    else:
        got = _loss(model, x=IMAGES, y=MASKS, class_weight=CLASS_WEIGHT, batch_size=6)
    assert got == pytest.approx(expected, rel=1e-5)
    assert got != pytest.approx(_loss(model, x=IMAGES, y=MASKS, batch_size=6), rel=1e-3)


def test_per_sample_weights_multiply_the_per_pixel_class_weights():
    model = _model()
    per_image = np.linspace(0.5, 2.0, 6).astype("float32")
    expected = _loss(model, x=IMAGES, y=MASKS, sample_weight=PIXEL_WEIGHTS * per_image[:, None, None], batch_size=6)
    got = _loss(model, x=IMAGES, y=MASKS, sample_weight=per_image, class_weight=CLASS_WEIGHT, batch_size=6)
    assert got == pytest.approx(expected, rel=1e-5)
