"""`keras.preprocessing.image`: the ImageDataGenerator of Keras 1/2 tutorials, checked against NumPy."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat.legacy import image


def _image(h=6, w=6, c=1):
    return np.arange(h * w * c, dtype="float32").reshape(h, w, c)


def test_flips_shifts_and_rotations_move_pixels_as_numpy_does():
    gen = image.ImageDataGenerator(fill_mode="nearest")
    x = _image()
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    shifted = gen.apply_transform(x, {"tx": 2})  # read from 2 rows further down: content moves up
    np.testing.assert_allclose(shifted[:4], x[2:], atol=1e-4)
    np.testing.assert_allclose(shifted[4:], np.repeat(x[5:], 2, axis=0), atol=1e-4)  # 'nearest' repeats the edge
    constant = image.ImageDataGenerator(fill_mode="constant", cval=-1).apply_transform(x, {"ty": -1})
    np.testing.assert_allclose(constant[:, 1:], x[:, :-1], atol=1e-4)
    np.testing.assert_array_equal(constant[:, 0], -1)
    wrapped = image.ImageDataGenerator(fill_mode="wrap").apply_transform(x, {"ty": 2})
    np.testing.assert_allclose(wrapped, np.roll(x, -2, axis=1), atol=1e-4)
    rotated = gen.apply_transform(x, {"theta": 90})
    assert {tuple(np.round(rotated[..., 0]).astype(int).ravel())} & {
        tuple(np.rot90(x[..., 0], k).astype(int).ravel()) for k in (1, 3)}
    zoomed = gen.apply_transform(x, {"zx": 1.0, "zy": 1.0, "theta": 0})
    np.testing.assert_array_equal(zoomed, x)


def test_standardize_follows_keras_order_and_featurewise_statistics():
    data = np.random.default_rng(0).uniform(0, 255, size=(10, 4, 4, 3)).astype("float32")
    gen = image.ImageDataGenerator(rescale=1 / 255, featurewise_center=True, featurewise_std_normalization=True)
    with pytest.raises(ValueError, match="fit"):
        gen.standardize(data[0].copy())
    gen.fit(data)
    scaled = data / 255
    np.testing.assert_allclose(gen.mean.ravel(), scaled.mean(axis=(0, 1, 2)), rtol=1e-5)
    out = np.stack([gen.standardize(img.copy()) for img in data])
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-4)
    sample = image.ImageDataGenerator(samplewise_center=True, preprocessing_function=lambda v: v * 2)
    centred = sample.standardize(np.ones((2, 2, 3), "float32") * [1, 2, 3])  # doubled: 2, 4, 6; image mean 4
    np.testing.assert_allclose(centred, np.ones((2, 2, 3)) * [-2, 0, 2], atol=1e-6)


def test_flow_batches_arrays_and_reshuffles_between_epochs():
    x = np.arange(10, dtype="float32").reshape(10, 1, 1, 1) * np.ones((1, 2, 2, 1), "float32")
    y = np.arange(10)
    flow = image.ImageDataGenerator(rescale=0.5).flow(x, y, batch_size=4, seed=1)
    assert len(flow) == 3
    batches = [flow[i] for i in range(len(flow))]
    seen_y = np.concatenate([b[1] for b in batches])
    assert sorted(seen_y) == list(range(10)) and [len(b[0]) for b in batches] == [4, 4, 2]
    for bx, by in batches:
        np.testing.assert_array_equal(bx[:, 0, 0, 0], by * 0.5)  # images stay with their labels
    first_epoch = list(seen_y)
    flow.on_epoch_end()
    assert list(np.concatenate([flow[i][1] for i in range(3)])) != first_epoch
    assert next(flow)[0].shape == (4, 2, 2, 1)  # Keras 1/2 iterators answer next() too
    split = image.ImageDataGenerator(validation_split=0.3)
    assert split.flow(x, y, subset="validation").n == 3 and split.flow(x, y, subset="training").n == 7


def test_flow_from_directory_reads_class_folders(tmp_path):
    from PIL import Image
    for name, value in (("cats", 30), ("dogs", 220)):
        (tmp_path / name).mkdir()
        for i in range(3):
            Image.fromarray(np.full((12, 10, 3), value, "uint8")).save(tmp_path / name / f"{i}.png")
    (tmp_path / "cats" / "notes.txt").write_text("not an image")
    gen = image.ImageDataGenerator(rescale=1 / 255)
    flow = gen.flow_from_directory(str(tmp_path), target_size=(8, 8), batch_size=4, class_mode="categorical",
                                   shuffle=False)
    assert flow.class_indices == {"cats": 0, "dogs": 1} and flow.samples == 6
    assert list(flow.classes) == [0, 0, 0, 1, 1, 1] and flow.filenames[0] == "cats/0.png"
    bx, by = flow[0]
    assert bx.shape == (4, 8, 8, 3) and by.tolist() == [[1, 0]] * 3 + [[0, 1]]
    np.testing.assert_allclose(bx[0], 30 / 255, rtol=1e-6)
    binary = gen.flow_from_directory(str(tmp_path), target_size=(8, 8), color_mode="grayscale",
                                     class_mode="binary", batch_size=6, shuffle=False)
    bx, by = binary[0]
    assert bx.shape == (6, 8, 8, 1) and by.tolist() == [0, 0, 0, 1, 1, 1]
    img = image.load_img(tmp_path / "dogs" / "1.png", target_size=(5, 4))
    array = image.img_to_array(img)
    assert array.shape == (5, 4, 3) and array.dtype == np.float32 and array.max() == 220
    assert image.array_to_img(array).size == (4, 5)


def test_fit_generator_on_augmented_images():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 0.2, size=(64, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 2, 64)
    x[y == 1, 2:6, 2:6] += 0.8  # a bright square makes class 1
    gen = image.ImageDataGenerator(horizontal_flip=True, width_shift_range=0.1, rotation_range=10)
    model = keras.Sequential([keras.layers.Flatten(input_shape=(8, 8, 1)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
    history = model.fit_generator(gen.flow(x, y, batch_size=16), samples_per_epoch=64, nb_epoch=8, verbose=0)
    assert history.history["acc"][-1] > 0.9
