"""tf.io.read_file and tf.io.encode_jpeg/encode_png give scalar strings that answer `.numpy()` (bytes),
as TensorFlow's do: keras-io's creating_tfrecords recipe writes
`tf.train.BytesList(value=[tf.io.encode_jpeg(image).numpy()])`."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def test_encoded_images_and_file_contents_answer_numpy(tmp_path):
    image = np.arange(4 * 5 * 3, dtype="uint8").reshape(4, 5, 3)
    jpeg = tf.io.encode_jpeg(image)
    png = tf.io.encode_png(image)
    assert isinstance(jpeg.numpy(), bytes) and jpeg.numpy()[:2] == b"\xff\xd8"
    assert png.numpy()[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(png.numpy())), image)  # PNG is lossless
    path = str(tmp_path / "image.png")
    tf.io.write_file(path, png)
    contents = tf.io.read_file(path)
    assert contents.numpy() == png.numpy()
    assert contents.shape == ()


def test_encoded_jpeg_goes_into_a_tf_train_example():
    image = np.full((3, 3, 3), 200, dtype="uint8")
    feature = tf.train.Feature(bytes_list=tf.train.BytesList(value=[tf.io.encode_jpeg(image).numpy()]))
    example = tf.train.Example(features=tf.train.Features(feature={"image": feature}))
    parsed = tf.io.parse_single_example(example.SerializeToString(),
                                        {"image": tf.io.FixedLenFeature([], tf.string)})
    decoded = np.asarray(tf.io.decode_jpeg(parsed["image"], channels=3))
    assert decoded.shape == (3, 3, 3) and abs(int(decoded.mean()) - 200) <= 2
