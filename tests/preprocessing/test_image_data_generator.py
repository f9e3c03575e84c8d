"""ImageDataGenerator and its iterators: tf-keras 2.21's transforms, seeded batches and fit() statistics
(tests/fixtures/make_tf_keras_image_reference.py), folders and DataFrames of image files, and training
a model from `datagen.flow(x, y)`."""
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.preprocessing.image import DirectoryIterator, ImageDataGenerator, NumpyArrayIterator

REF = np.load(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_keras_image_reference.npz"))
GENERATOR = dict(rotation_range=20, width_shift_range=0.1, height_shift_range=[1, 2], shear_range=5,
                 zoom_range=0.2, channel_shift_range=10.0, horizontal_flip=True, vertical_flip=True,
                 brightness_range=[0.6, 1.4], rescale=1 / 255.0, fill_mode="reflect")
KEYS = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical", "channel_shift_intensity",
        "brightness")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_transform_matches_tf_keras(seed):
    pytest.importorskip("PIL")  # brightness_range
    gen = ImageDataGenerator(**GENERATOR)
    params = gen.get_random_transform(REF["image_255"].shape, seed=seed)
    np.testing.assert_allclose([np.nan if params[k] is None else float(params[k]) for k in KEYS],
                               REF[f"generator/params_{seed}"])
    transformed = gen.random_transform(REF["image_255"].copy(), seed=seed)
    np.testing.assert_allclose(transformed, REF[f"generator/random_transform_{seed}"], atol=1e-3)
    np.testing.assert_allclose(gen.standardize(transformed.copy()), REF[f"generator/standardized_{seed}"], atol=1e-5)


def test_seeded_flow_gives_tf_keras_batches_by_next_and_by_index():
    gen = ImageDataGenerator(rotation_range=15, horizontal_flip=True, zoom_range=0.1, rescale=1 / 255.0)
    iterator = gen.flow(REF["flow/x"], REF["flow/y"], batch_size=4, seed=11)
    assert isinstance(iterator, NumpyArrayIterator) and len(iterator) == 3
    for i in range(4):
        bx, by = next(iterator)
        np.testing.assert_allclose(bx, REF[f"flow/next_{i}_x"], atol=1e-5)
        np.testing.assert_array_equal(by, REF[f"flow/next_{i}_y"])
    indexed = gen.flow(REF["flow/x"], REF["flow/y"], batch_size=4, seed=11)
    for i in (0, 2):
        bx, by = indexed[i]
        np.testing.assert_allclose(bx, REF[f"flow/getitem_{i}_x"], atol=1e-5)
        np.testing.assert_array_equal(by, REF[f"flow/getitem_{i}_y"])


def test_fit_computes_tf_keras_statistics():
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rescale=0.5)
    gen.fit(REF["flow/x"])
    np.testing.assert_allclose(gen.mean, REF["fit/mean"], rtol=1e-5)
    np.testing.assert_allclose(gen.std, REF["fit/std"], rtol=1e-5)
    np.testing.assert_allclose(gen.standardize(REF["flow/x"][0].copy()), REF["fit/standardized"], rtol=1e-4,
                               atol=1e-4)
    with pytest.warns(UserWarning, match="zca_whitening`, which overrides setting of `featurewise_center"):
        zca = ImageDataGenerator(zca_whitening=True, zca_epsilon=0.1)
    small = REF["flow/x"][:, :3, :2, :]
    zca.fit(small)
    np.testing.assert_allclose(zca.zca_whitening_matrix, REF["fit/zca_matrix"], rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(zca.standardize(small[1].copy()), REF["fit/zca_standardized"], rtol=1e-3, atol=1e-3)
    aug = ImageDataGenerator(featurewise_center=True, rotation_range=30)
    aug.fit(REF["flow/x"], augment=True, rounds=2, seed=4)
    np.testing.assert_allclose(aug.mean, REF["fit/augmented_mean"], rtol=1e-5)


def test_arguments_are_checked_with_clear_errors():
    with pytest.raises(ValueError, match="validation_split must be strictly between 0 and 1, received 1.5"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="zoom_range must be a float or two floats"):
        ImageDataGenerator(zoom_range=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="brightness_range must be a tuple or list of two floats"):
        ImageDataGenerator(brightness_range=0.5)
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"should have the same length; found x.shape = \(10, 6, 5, 3\), y.shape"):
        gen.flow(REF["flow/x"], np.zeros(3))
    with pytest.raises(ValueError, match=r"rank-4 array .* received shape \(6, 5, 3\)"):
        gen.flow(REF["flow/x"][0])
    with pytest.warns(UserWarning, match="hasn't been fit on any training data"):
        ImageDataGenerator(featurewise_center=True).standardize(np.ones((2, 2, 3), "float32"))


def test_validation_split_subsets_and_sample_weights():
    gen = ImageDataGenerator(validation_split=0.3)
    x, y = REF["flow/x"], np.arange(10) % 2
    weights = np.arange(10, dtype="float32")
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training", sample_weight=weights)
    valid = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    bx, by, bw = train[0]
    assert bx.shape == (7, 6, 5, 3) and by.tolist() == y[3:].tolist() and bw.tolist() == weights[3:].tolist()
    assert valid[0][1].tolist() == y[:3].tolist()
    with pytest.raises(ValueError, match="different classes after the split"):
        gen.flow(x, np.array([0] * 3 + [1] * 7), subset="training")


def test_model_fit_on_datagen_flow_trains():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (64, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 127.5).astype("float32")
    x[y == 1] += 40.0
    datagen = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True, width_shift_range=0.1)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(datagen.flow(x, y, batch_size=32), epochs=4, verbose=0)
    assert len(history.history["loss"]) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(datagen.flow(x, y, batch_size=32, shuffle=False), verbose=0)[0] > 0


def _write_images(root, counts, size=(5, 4)):
    from tkeras.preprocessing.image import save_img
    rng = np.random.default_rng(1)
    for name, count in counts.items():
        os.makedirs(os.path.join(root, name, "sub"), exist_ok=True)
        for i in range(count):
            folder = os.path.join(root, name, "sub" if i % 2 else "")
            save_img(os.path.join(folder, f"{name}_{i}.png"), rng.uniform(0, 255, size + (3,)), scale=False)
    open(os.path.join(root, "cats", "notes.txt"), "w").close()  # not an image: skipped


def test_flow_from_directory_reads_class_folders(tmp_path, capsys):
    pytest.importorskip("PIL")
    _write_images(str(tmp_path), {"cats": 4, "dogs": 6})
    gen = ImageDataGenerator(rescale=1 / 255.0, validation_split=0.5)
    it = gen.flow_from_directory(str(tmp_path), target_size=(3, 2), batch_size=3, shuffle=False)
    assert isinstance(it, DirectoryIterator)
    assert "Found 10 images belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cats": 0, "dogs": 1} and it.classes.tolist() == [0] * 4 + [1] * 6
    assert it.filenames[:2] == ["cats/cats_0.png", "cats/cats_2.png"]  # sorted walk: root files, then sub/
    bx, by = it[0]
    assert bx.shape == (3, 3, 2, 3) and 0 <= bx.min() and bx.max() <= 1
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 0]])
    sparse = gen.flow_from_directory(str(tmp_path), target_size=(3, 2), class_mode="sparse", color_mode="grayscale",
                                     subset="validation", shuffle=False)
    assert sparse.samples == 5 and sparse[0][0].shape == (5, 3, 2, 1) and sparse[0][1].tolist() == [0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="class_mode must be one of"):
        gen.flow_from_directory(str(tmp_path), class_mode="multi")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        gen.flow_from_directory(str(tmp_path / "missing"))


def test_flow_from_dataframe(tmp_path):
    pytest.importorskip("PIL")
    pd = pytest.importorskip("pandas")
    _write_images(str(tmp_path), {"cats": 2, "dogs": 2})
    frame = pd.DataFrame({"filename": ["cats/cats_0.png", "dogs/dogs_0.png", "missing.png"],
                          "class": ["cat", "dog", "dog"], "w": [1.0, 2.0, 3.0]})
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        it = ImageDataGenerator().flow_from_dataframe(frame, str(tmp_path), weight_col="w", target_size=(2, 2),
                                                      shuffle=False)
    bx, by, bw = it[0]
    assert it.class_indices == {"cat": 0, "dog": 1} and bx.shape == (2, 2, 2, 3)
    np.testing.assert_array_equal(by, np.eye(2))
    np.testing.assert_array_equal(bw, [1.0, 2.0])


def test_reachable_as_keras_preprocessing_image_attribute():
    """`keras.preprocessing.image.ImageDataGenerator(...)` without importing the submodule first."""
    import subprocess
    import sys
    code = ("import tkeras as keras; g = keras.preprocessing.image.ImageDataGenerator(); "
            "print(type(g).__name__, 'image' in dir(keras.preprocessing))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ImageDataGenerator", "True"]
