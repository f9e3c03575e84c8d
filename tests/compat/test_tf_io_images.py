"""Image files through tf.data: `Dataset.list_files`, `tf.io.read_file`, `tf.image.decode_*` /
`encode_*` (Pillow underneath) and `tf.io.gfile`, checked against the arrays written."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture
def picture_folder(tmp_path):
    rng = np.random.RandomState(0)
    pictures = {}
    for index in range(6):
        array = rng.randint(0, 256, (5 + index, 7, 3)).astype("uint8")
        path = tmp_path / f"img_{index}.png"
        PIL.fromarray(array).save(path)
        pictures[str(path)] = array
    return tmp_path, pictures


def test_png_round_trip_and_channel_conversion(picture_folder):
    folder, pictures = picture_folder
    path, array = next(iter(pictures.items()))
    contents = tf.io.read_file(path)
    assert isinstance(contents, bytes) and contents[:4] == b"\x89PNG"
    decoded = tf.image.decode_png(contents, channels=3)
    assert decoded.dtype == tf.uint8
    np.testing.assert_array_equal(decoded.numpy(), array)
    as_float = tf.io.decode_image(contents, dtype=tf.float32)
    np.testing.assert_allclose(as_float.numpy(), array / 255.0, rtol=1e-6)
    gray = tf.image.decode_image(contents, channels=1).numpy()
    assert gray.shape == array.shape[:2] + (1,)
    np.testing.assert_array_equal(tf.image.decode_png(tf.image.encode_png(array)).numpy(), array)
    smooth = (np.add.outer(np.arange(16), np.arange(16))[..., None] * [8, 4, 2]).astype("uint8")
    jpeg = tf.image.encode_jpeg(smooth, quality=95)
    assert jpeg[:2] == b"\xff\xd8" and np.abs(tf.image.decode_jpeg(jpeg).numpy().astype(int) - smooth).mean() < 3


def test_a_file_pipeline_into_batches(picture_folder):
    folder, pictures = picture_folder

    def load(path):
        image = tf.io.read_file(path)
        image = tf.image.decode_png(image, channels=3)
        image = tf.image.convert_image_dtype(image, tf.float32)
        return tf.image.resize(image, (4, 4)), path

    files = tf.data.Dataset.list_files(str(folder / "*.png"), shuffle=False)
    assert [p.decode() for p in files.as_numpy_iterator()] == sorted(pictures)  # bytes, as in TF
    images, paths = next(iter(tf.data.Dataset.list_files(str(folder / "*.png"), seed=1)
                              .map(load, num_parallel_calls=tf.data.AUTOTUNE).batch(6)))
    assert tuple(images.shape) == (6, 4, 4, 3) and images.dtype == tf.float32
    for image, path in zip(images.numpy(), paths):
        expected = tf.image.resize(pictures[str(path)] / 255.0, (4, 4)).numpy()
        np.testing.assert_allclose(image, expected, atol=1e-5)
    contents = next(iter(tf.data.Dataset.from_tensor_slices(sorted(pictures)).map(tf.io.read_file)))
    assert bytes(contents[()] if isinstance(contents, np.ndarray) else contents)[:4] == b"\x89PNG"  # bytes kept
    assert tf.io.gfile.exists(str(folder)) and len(tf.io.gfile.glob(str(folder / "*.png"))) == 6


def test_errors_name_the_function(picture_folder, tmp_path):
    with pytest.raises(ValueError, match=r"Dataset.list_files: no files matched pattern"):
        tf.data.Dataset.list_files(str(tmp_path / "*.jpg"))
    with pytest.raises(TypeError, match=r"tf.image.decode_png: `contents` must be the bytes of an image file, "
                                        r"received a str .*tf.io.read_file"):
        tf.image.decode_png("cat.png")
    with pytest.raises(ValueError, match=r"tf.image.decode_bmp: expected BMP data, received PNG"):
        tf.image.decode_bmp(tf.io.read_file(next(iter(picture_folder[1]))))
    with pytest.raises(ValueError, match=r"tf.image.decode_image: the contents are not a readable image"):
        tf.image.decode_image(b"not an image")
    with pytest.raises(TypeError, match=r"tf.image.encode_png: `image` must be uint8, received torch.float32"):
        tf.image.encode_png(np.zeros((2, 2, 3), "float32"))
    with pytest.raises(FileNotFoundError, match=r"tf.io.read_file: no such file"):
        tf.io.read_file(str(tmp_path / "missing.png"))
    with pytest.raises(AttributeError, match=r"tf.io.parse_sequence_example is not supported in tkeras"):
        tf.io.parse_sequence_example
