"""The `*_dataset_from_*` builders and split_dataset, on small folders written in tmp_path, against NumPy."""
import random

import numpy as np
import pytest

import tkeras
from tkeras.compat.tf_namespace.data import Dataset
from tkeras.utils.dataset_utils import split_dataset
from tkeras.utils.text_dataset_utils import text_dataset_from_directory
from tkeras.utils.timeseries_dataset_utils import timeseries_dataset_from_array


def _np(value):
    # text batches are NumPy str arrays already (their .numpy() gives UTF-8 bytes, as TensorFlow's)
    return value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else np.asarray(value)


def _all(dataset):
    """Every batch concatenated: (x, y) or x."""
    batches = [tuple(_np(part) for part in b) if isinstance(b, tuple) else _np(b) for b in dataset]
    if isinstance(batches[0], tuple):
        return tuple(np.concatenate(parts) for parts in zip(*batches))
    return np.concatenate(batches)


# -- images ------------------------------------------------------------------------------------------
@pytest.fixture
def image_folder(tmp_path):
    """classes 'dog' (3 images) and 'cat' (2 images), created out of order, plus a non-image file."""
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    pixels = {}
    for cls, names in (("dog", ["b.png", "a.png", "c.jpg"]), ("cat", ["z.png", "y.bmp"])):
        (tmp_path / cls).mkdir()
        for name in names:
            array = rng.integers(0, 256, size=(4, 6, 3), dtype=np.uint8)
            if name.endswith(".jpg"):
                array[:] = array[0, 0]  # flat colour: JPEG keeps it (almost) exactly
            Image.fromarray(array).save(tmp_path / cls / name)
            pixels[str(tmp_path / cls / name)] = array
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden").mkdir()
    return tmp_path, pixels


def test_image_dataset_class_names_order_and_pixels(image_folder):
    folder, pixels = image_folder
    ds = tkeras.utils.image_dataset_from_directory(folder, image_size=(4, 6), batch_size=2, shuffle=False)
    assert ds.class_names == ["cat", "dog"]
    expected_paths = [str(folder / p) for p in ("cat/y.bmp", "cat/z.png", "dog/a.png", "dog/b.png", "dog/c.jpg")]
    assert ds.file_paths == expected_paths
    assert len(ds) == 3
    x, y = _all(ds)
    assert x.dtype == np.float32 and x.shape == (5, 4, 6, 3)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y, [0, 0, 1, 1, 1])
    for image, path in zip(x, expected_paths):
        np.testing.assert_allclose(image, pixels[path], atol=2 if path.endswith(".jpg") else 0)


def test_label_modes(image_folder):
    folder, _ = image_folder
    kwargs = dict(image_size=(4, 6), batch_size=8, shuffle=False, verbose=False)
    _, categorical = _all(tkeras.utils.image_dataset_from_directory(folder, label_mode="categorical", **kwargs))
    assert categorical.dtype == np.float32
    np.testing.assert_array_equal(categorical, np.eye(2)[[0, 0, 1, 1, 1]])
    _, binary = _all(tkeras.utils.image_dataset_from_directory(folder, label_mode="binary", **kwargs))
    assert binary.dtype == np.float32 and binary.shape == (5, 1)
    images_only = _all(tkeras.utils.image_dataset_from_directory(folder, label_mode=None, **kwargs))
    assert images_only.shape == (5, 4, 6, 3)
    # explicit labels pair with the files in sorted path order
    explicit = tkeras.utils.image_dataset_from_directory(folder, labels=[3, 1, 1, 2, 3], **kwargs)
    assert explicit.class_names == ["1", "2", "3"]
    np.testing.assert_array_equal(_all(explicit)[1], [3, 1, 1, 2, 3])
    # class_names picks and orders the subfolders
    picked = tkeras.utils.image_dataset_from_directory(folder, class_names=["dog"], **kwargs)
    assert picked.class_names == ["dog"] and len(picked.file_paths) == 3


def test_validation_split_gives_disjoint_subsets_covering_all_files(image_folder):
    folder, _ = image_folder
    kwargs = dict(image_size=(4, 6), batch_size=2, validation_split=0.4, seed=7, verbose=False)
    train = tkeras.utils.image_dataset_from_directory(folder, subset="training", **kwargs)
    val = tkeras.utils.image_dataset_from_directory(folder, subset="validation", **kwargs)
    assert len(val.file_paths) == int(0.4 * 5) and len(train.file_paths) == 3
    assert set(train.file_paths).isdisjoint(val.file_paths)
    assert len(set(train.file_paths) | set(val.file_paths)) == 5
    both = tkeras.utils.image_dataset_from_directory(folder, subset="both", **kwargs)
    assert [d.file_paths for d in both] == [train.file_paths, val.file_paths]
    # labels still belong to their files after the seeded shuffle
    _, y = _all(tkeras.utils.image_dataset_from_directory(folder, subset="validation", **{**kwargs, "batch_size": 8}))
    assert sorted(y.tolist()) == sorted(int("/dog/" in p) for p in val.file_paths)


def _bilinear(x, out_h, out_w):
    """Half-pixel-centre bilinear resize without antialiasing (tf.image.resize's), written with loops."""
    in_h, in_w = x.shape[:2]
    out = np.zeros((out_h, out_w, x.shape[2]))
    for i in range(out_h):
        for j in range(out_w):
            r = min(max((i + 0.5) * in_h / out_h - 0.5, 0), in_h - 1)
            c = min(max((j + 0.5) * in_w / out_w - 0.5, 0), in_w - 1)
            r0, c0 = int(r), int(c)
            r1, c1 = min(r0 + 1, in_h - 1), min(c0 + 1, in_w - 1)
            fr, fc = r - r0, c - c0
            out[i, j] = ((1 - fr) * (1 - fc) * x[r0, c0] + (1 - fr) * fc * x[r0, c1]
                         + fr * (1 - fc) * x[r1, c0] + fr * fc * x[r1, c1])
    return out


def test_resize_crop_and_pad(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    pixels = np.random.default_rng(3).integers(0, 256, size=(4, 8, 3), dtype=np.uint8)
    (tmp_path / "only").mkdir()
    Image.fromarray(pixels).save(tmp_path / "only" / "x.png")
    kwargs = dict(batch_size=1, shuffle=False, verbose=False)
    x, _ = _all(tkeras.utils.image_dataset_from_directory(tmp_path, image_size=(6, 5), **kwargs))
    np.testing.assert_allclose(x[0], _bilinear(pixels.astype(np.float64), 6, 5), atol=1e-3)
    x, _ = _all(tkeras.utils.image_dataset_from_directory(tmp_path, image_size=(4, 4), crop_to_aspect_ratio=True,
                                                          **kwargs))
    np.testing.assert_array_equal(x[0], pixels[:, 2:6])
    x, _ = _all(tkeras.utils.image_dataset_from_directory(tmp_path, image_size=(8, 8), pad_to_aspect_ratio=True,
                                                          **kwargs))
    expected = np.zeros((8, 8, 3))
    expected[2:6] = pixels
    np.testing.assert_array_equal(x[0], expected)
    gray, _ = _all(tkeras.utils.image_dataset_from_directory(tmp_path, image_size=(4, 8), color_mode="grayscale",
                                                             **kwargs))
    assert gray.shape == (1, 4, 8, 1)


def test_unbatched_take_unbatch_and_fit(image_folder):
    folder, _ = image_folder
    ds = tkeras.utils.image_dataset_from_directory(folder, image_size=(4, 6), batch_size=None, seed=1, verbose=False)
    x, y = next(iter(ds))
    assert tuple(x.shape) == (4, 6, 3) and tuple(y.shape) == ()
    batched = tkeras.utils.image_dataset_from_directory(folder, image_size=(4, 6), batch_size=2, seed=1,
                                                        verbose=False)
    assert len(list(batched.unbatch())) == 5 and len(list(batched.take(1))) == 1
    model = tkeras.Sequential([tkeras.layers.Input((4, 6, 3)), tkeras.layers.Rescaling(1 / 255),
                               tkeras.layers.Flatten(), tkeras.layers.Dense(2)])
    model.compile("adam", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(batched, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_image_dataset_errors(image_folder, tmp_path_factory):
    folder, _ = image_folder
    build = tkeras.utils.image_dataset_from_directory
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(ValueError, match="No images found in directory"):
        build(empty, verbose=False)
    with pytest.raises(ValueError, match="`subset` and `validation_split` go together"):
        build(folder, subset="training", seed=1)
    with pytest.raises(ValueError, match="`subset` and `validation_split` go together"):
        build(folder, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="needs a `seed`"):
        build(folder, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="'training', 'validation' or 'both'.*'train'"):
        build(folder, validation_split=0.2, subset="train", seed=1)
    with pytest.raises(ValueError, match="between 0 and 1.*1.5"):
        build(folder, validation_split=1.5, subset="training", seed=1)
    with pytest.raises(ValueError, match="label_mode.*'sparse'"):
        build(folder, label_mode="sparse")
    with pytest.raises(ValueError, match="len\\(labels\\) is 2, but 5 files"):
        build(folder, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match="class_names.*\\['bird'\\]"):
        build(folder, class_names=["cat", "bird"])
    with pytest.raises(ValueError, match="`color_mode`.*'cmyk'"):
        build(folder, color_mode="cmyk")
    with pytest.raises(ValueError, match="Only one of"):
        build(folder, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    (folder / "bird").mkdir()
    Image = pytest.importorskip("PIL.Image")
    Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(folder / "bird" / "b.png")
    with pytest.raises(ValueError, match="'binary' needs exactly 2 classes, found 3"):
        build(folder, label_mode="binary", verbose=False)


# -- text --------------------------------------------------------------------------------------------
@pytest.fixture
def imdb_folder(tmp_path):
    """A miniature aclImdb/train: neg/ and pos/ reviews (the tutorial deletes unsup/ first)."""
    reviews = {"neg": {"0_3.txt": "Dull.", "1_1.txt": "Awful film, really bad."},
               "pos": {"0_9.txt": "Loved it <br /> great", "2_8.txt": "Wonderful.", "1_10.txt": "Best ever."}}
    for cls, files in reviews.items():
        (tmp_path / cls).mkdir()
        for name, text in files.items():
            (tmp_path / cls / name).write_text(text, encoding="utf-8")
    (tmp_path / "README").write_text("top-level files are ignored")
    return tmp_path, reviews


def test_text_dataset_reads_texts_in_order_with_labels(imdb_folder):
    folder, reviews = imdb_folder
    ds = text_dataset_from_directory(folder, batch_size=2, shuffle=False, verbose=False)
    assert ds.class_names == ["neg", "pos"]
    texts, labels = _all(ds)
    expected = [(text, i) for i, cls in enumerate(["neg", "pos"]) for _, text in sorted(reviews[cls].items())]
    assert [str(t) for t in texts] == [t for t, _ in expected]
    np.testing.assert_array_equal(labels, [i for _, i in expected])
    short, _ = _all(text_dataset_from_directory(folder, max_length=4, shuffle=False, verbose=False))
    assert [str(t) for t in short] == [t[:4] for t, _ in expected]
    _, binary = _all(text_dataset_from_directory(folder, label_mode="binary", shuffle=False, verbose=False))
    assert binary.shape == (5, 1) and binary.dtype == np.float32
    assert tkeras.utils.text_dataset_from_directory is text_dataset_from_directory


def test_text_dataset_split_and_errors(imdb_folder, tmp_path_factory):
    folder, _ = imdb_folder
    kwargs = dict(batch_size=32, validation_split=0.2, seed=42, verbose=False)
    train = text_dataset_from_directory(folder, subset="training", **kwargs)
    val = text_dataset_from_directory(folder, subset="validation", **kwargs)
    assert len(val.file_paths) == 1 and set(train.file_paths).isdisjoint(val.file_paths)
    train_texts, _ = _all(train)
    val_texts, _ = _all(val)
    assert len(set(map(str, train_texts)) | set(map(str, val_texts))) == 5
    with pytest.raises(ValueError, match="No text files found in directory"):
        text_dataset_from_directory(tmp_path_factory.mktemp("empty"), verbose=False)
    with pytest.raises(ValueError, match="max_length"):
        text_dataset_from_directory(folder, max_length=0)


# -- timeseries --------------------------------------------------------------------------------------
def _windows(data, targets, length, stride, rate, start, end):
    """Every window and target, by the definition: window i starts at start + i * stride."""
    xs, ys = [], []
    first = start
    while first + (length - 1) * rate < end and (targets is None or first < len(targets)):
        xs.append(data[first:first + (length - 1) * rate + 1:rate])
        ys.append(None if targets is None else targets[first])
        first += stride
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize("length, stride, rate, start, end", [
    (10, 1, 1, None, None), (5, 3, 2, None, None), (4, 2, 3, 7, 45), (1, 1, 1, 0, 5)])
def test_timeseries_windows_match_definition(length, stride, rate, start, end):
    data = np.arange(100, dtype=np.float64).reshape(50, 2)
    targets = np.arange(50) * 10
    ds = timeseries_dataset_from_array(data, targets, length, sequence_stride=stride, sampling_rate=rate,
                                       batch_size=4, start_index=start, end_index=end)
    x, y = _all(ds)
    expected_x, expected_y = _windows(data, targets, length, stride, rate, start or 0, 50 if end is None else end)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    assert x.dtype == np.float64


def test_timeseries_forecasting_idiom_and_shuffle():
    # Keras' docstring idiom: predict the step after each window with targets=data[length:]
    data = np.arange(20)
    ds = tkeras.utils.timeseries_dataset_from_array(data[:-3], data[3:], sequence_length=3, batch_size=None)
    pairs = [(_np(x).tolist(), int(_np(y))) for x, y in ds]
    assert pairs == [([i, i + 1, i + 2], i + 3) for i in range(15)]
    no_targets = _all(tkeras.utils.timeseries_dataset_from_array(data, None, 5, batch_size=8))
    assert no_targets.shape == (16, 5)
    shuffled = tkeras.utils.timeseries_dataset_from_array(data, None, 5, batch_size=4, shuffle=True, seed=3)
    first, again = _all(shuffled), _all(tkeras.utils.timeseries_dataset_from_array(
        data, None, 5, batch_size=4, shuffle=True, seed=3))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, no_targets)
    assert sorted(map(tuple, first.tolist())) == sorted(map(tuple, no_targets.tolist()))


def test_timeseries_errors():
    data = np.arange(10)
    with pytest.raises(ValueError, match="`start_index` must be 0 or greater"):
        timeseries_dataset_from_array(data, None, 3, start_index=-1)
    with pytest.raises(ValueError, match="`end_index` must be higher than `start_index`"):
        timeseries_dataset_from_array(data, None, 3, start_index=5, end_index=4)
    with pytest.raises(ValueError, match="`end_index` must be lower than the length of the data"):
        timeseries_dataset_from_array(data, None, 3, end_index=10)
    with pytest.raises(ValueError, match="`sampling_rate` must be higher than 0"):
        timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="`sequence_stride` must be lower than the length"):
        timeseries_dataset_from_array(data, None, 3, sequence_stride=10)


# -- split_dataset -----------------------------------------------------------------------------------
def test_split_arrays_by_fraction_and_count():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    left, right = split_dataset((x, y), left_size=0.8)
    lx, ly = _all(left.batch(100))
    rx, ry = _all(right.batch(100))
    np.testing.assert_array_equal(lx, x[:8])
    np.testing.assert_array_equal(ry, y[8:])
    assert len(left) == 8 and len(right) == 2
    # sizes that do not add up: the middle belongs to neither split
    left, right = split_dataset(np.arange(10), left_size=3, right_size=0.2)
    np.testing.assert_array_equal(_all(left.batch(10)), [0, 1, 2])
    np.testing.assert_array_equal(_all(right.batch(10)), [8, 9])
    left, right = split_dataset({"a": np.arange(5)}, right_size=2)
    assert [int(_np(e["a"])) for e in right] == [3, 4]


def test_split_shuffle_follows_python_random_with_the_seed():
    data = np.arange(10)
    left, right = split_dataset(data, left_size=0.5, shuffle=True, seed=11)
    order = list(range(10))
    random.Random(11).shuffle(order)
    np.testing.assert_array_equal(_all(left.batch(10)), data[order[:5]])
    np.testing.assert_array_equal(_all(right.batch(10)), data[order[5:]])


def test_split_a_dataset_of_elements():
    source = Dataset.from_tensor_slices((np.arange(6, dtype=np.float32), np.arange(6) * 2))
    left, right = tkeras.utils.split_dataset(source, right_size=0.5)
    lx, ly = _all(left.batch(10))
    np.testing.assert_array_equal(lx, [0, 1, 2])
    np.testing.assert_array_equal(ly, [0, 2, 4])
    assert len(right) == 3


def test_split_errors():
    with pytest.raises(ValueError, match="give `left_size`, `right_size` or both"):
        split_dataset(np.arange(4))
    with pytest.raises(ValueError, match="fraction.*left_size=1.5"):
        split_dataset(np.arange(4), left_size=1.5)
    with pytest.raises(TypeError, match="`right_size` must be an int.*str"):
        split_dataset(np.arange(4), right_size="2")
    with pytest.raises(ValueError, match="more than the dataset's length 4"):
        split_dataset(np.arange(4), left_size=3, right_size=2)
    with pytest.raises(ValueError, match="right split empty"):
        split_dataset(np.arange(4), left_size=4)
    with pytest.raises(ValueError, match="same length"):
        split_dataset((np.arange(4), np.arange(3)), left_size=2)


# -- old import paths --------------------------------------------------------------------------------
def test_tf_keras_paths_resolve():
    from tkeras import compat
    compat.install()
    try:
        import keras
        import tensorflow as tf
        from tkeras.utils.image_dataset_utils import image_dataset_from_directory
        assert tf.keras.utils.image_dataset_from_directory is image_dataset_from_directory
        assert tf.keras.preprocessing.image_dataset_from_directory is image_dataset_from_directory
        assert tf.keras.preprocessing.text_dataset_from_directory is text_dataset_from_directory
        assert keras.preprocessing.timeseries_dataset_from_array is timeseries_dataset_from_array
        assert keras.utils.split_dataset is split_dataset
        namespace = {}
        exec("from tensorflow.keras.preprocessing.image_dataset import image_dataset_from_directory as a\n"
             "from keras.preprocessing.timeseries import timeseries_dataset_from_array as b\n"
             "from keras.utils.text_dataset import text_dataset_from_directory as c", namespace)
        assert (namespace["a"], namespace["b"], namespace["c"]) == (
            image_dataset_from_directory, timeseries_dataset_from_array, text_dataset_from_directory)
    finally:
        compat.uninstall()


def test_follow_links_reads_linked_class_folders(image_folder, tmp_path_factory):
    folder, _ = image_folder
    outside = tmp_path_factory.mktemp("outside")
    (folder / "dog" / "more").symlink_to(outside, target_is_directory=True)
    Image = pytest.importorskip("PIL.Image")
    Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(outside / "d.png")
    kwargs = dict(image_size=(4, 6), shuffle=False, verbose=False)
    assert len(tkeras.utils.image_dataset_from_directory(folder, **kwargs).file_paths) == 5
    linked = tkeras.utils.image_dataset_from_directory(folder, follow_links=True, **kwargs).file_paths
    assert linked[-1] == str(folder / "dog" / "more" / "d.png") and len(linked) == 6
