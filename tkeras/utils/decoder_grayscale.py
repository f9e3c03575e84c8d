"""Grayscale pixels as TensorFlow's image decoders give them, which `image_dataset_from_directory` uses.

Keras' loader asks `tf.io.decode_image` for one channel, so the colour-to-gray step happens inside the
decoder, not in Pillow's `convert("L")` (which `load_img` keeps using, as Keras' `load_img` does):

- PNG: libpng's integer conversion with the coefficients TensorFlow sets (0.299, 0.587, whose fixed
  point forms are 9797 and 19234 out of 32768; blue gets the rest), truncated, alpha dropped without
  compositing. Pillow rounds with its own weights, so half the pixels of a colour PNG came out 1 off.
- JPEG: libjpeg decodes the luma plane straight to gray rather than upsampling chroma to RGB and
  mixing it back, with the fast integer IDCT that TensorFlow picks by default (`jpeg_tensorflow_pixels`;
  Pillow's conversion left pixels 1-2 levels off, up to ~19 on colour files).

Other files (GIF, BMP, 16-bit PNG, CMYK JPEG) go through Pillow's conversion, as before.
"""
import numpy as np

from tkeras.utils.jpeg_tensorflow_pixels import decode_like_tensorflow

_PNG_RED, _PNG_GREEN = 9797, 19234
_PNG_BLUE = 32768 - _PNG_RED - _PNG_GREEN
_EIGHT_BIT_COLOUR_MODES = ("RGB", "RGBA", "P", "PA", "LA", "L")


def decoder_grayscale(image):
    """A (height, width, 1) float32 array of the opened PIL `image`, or None when TensorFlow's decoder
    would not differ from Pillow's conversion in a way handled here."""
    if image.format == "PNG" and image.mode in _EIGHT_BIT_COLOUR_MODES:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int64)
        gray = (_PNG_RED * rgb[..., 0] + _PNG_GREEN * rgb[..., 1] + _PNG_BLUE * rgb[..., 2]) >> 15
        return gray.astype("float32")[..., None]
    if image.format == "JPEG":
        gray = decode_like_tensorflow(lambda: image, channels=1, fancy_upscaling=True)
        return None if gray is None else gray.astype("float32")
    return None
