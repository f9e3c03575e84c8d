"""TensorFlow's PNG, JPEG and GIF decoders read any of those three formats (keras-io's DeepLabV3+ example
decodes its .jpg photos with `decode_png`), GIF frames follow `decode_gif` / `expand_animations`, and
BMP keeps a decoder of its own. Expected shapes recorded from TensorFlow 2.21."""
import io

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

PIL = pytest.importorskip("PIL.Image")


def _encoded(array, format_, **options):
    buffer = io.BytesIO()
    PIL.fromarray(array).save(buffer, format=format_, **options)
    return buffer.getvalue()


@pytest.fixture
def pictures():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    frames = [PIL.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)) for _ in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    return rgb, {"PNG": _encoded(rgb, "PNG"), "JPEG": _encoded(rgb, "JPEG"), "GIF": _encoded(rgb, "GIF"),
                 "BMP": _encoded(rgb, "BMP"), "animated": buffer.getvalue()}


@pytest.mark.parametrize("decoder", ["decode_png", "decode_jpeg"])
def test_still_decoders_read_png_jpeg_and_gif(pictures, decoder):
    rgb, data = pictures
    decode = getattr(tf.io, decoder)
    np.testing.assert_array_equal(decode(data["PNG"]).numpy(), rgb)
    np.testing.assert_array_equal(decode(data["JPEG"]).numpy(), tf.io.decode_image(data["JPEG"]).numpy())
    assert tuple(decode(data["GIF"]).shape) == (5, 6, 3)
    with pytest.raises(ValueError, match=rf"tf.image.{decoder}: expected PNG or JPEG or GIF data, received BMP"):
        decode(data["BMP"])
    with pytest.raises(ValueError, match=rf"tf.image.{decoder}: got 3 frames, but animated GIFs can only be "
                                         r"decoded by tf.io.decode_gif or tf.io.decode_image"):
        decode(data["animated"])
    with pytest.raises(ValueError, match=rf"tf.image.{decoder}: channels must be 0 or 3 for GIF, received 1"):
        decode(data["GIF"], channels=1)


def test_gif_frames_from_decode_gif_and_decode_image(pictures):
    rgb, data = pictures
    assert tuple(tf.io.decode_gif(data["PNG"]).shape) == (1, 5, 6, 3)
    np.testing.assert_array_equal(tf.io.decode_gif(data["PNG"]).numpy()[0], rgb)
    assert tuple(tf.io.decode_gif(data["animated"]).shape) == (3, 5, 6, 3)
    assert tuple(tf.io.decode_image(data["animated"]).shape) == (3, 5, 6, 3)
    assert tuple(tf.io.decode_image(data["GIF"]).shape) == (1, 5, 6, 3)
    first = tf.io.decode_image(data["animated"], expand_animations=False).numpy()
    np.testing.assert_array_equal(first, tf.io.decode_gif(data["animated"]).numpy()[0])
    with pytest.raises(ValueError, match=r"tf.image.decode_image: channels must be 0 or 3 for GIF, received 4"):
        tf.io.decode_image(data["animated"], channels=4)
    with pytest.raises(ValueError, match=r"tf.image.decode_gif: expected PNG or JPEG or GIF data, received BMP"):
        tf.io.decode_gif(data["BMP"])
    np.testing.assert_array_equal(tf.io.decode_bmp(data["BMP"]).numpy(), rgb)
