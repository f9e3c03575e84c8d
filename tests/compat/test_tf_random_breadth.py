"""tf.random's distributions, seed arithmetic and candidate samplers (shapes, dtypes, validation, and
moments under fixed seeds with wide tolerances), plus the random and codec additions to tf.image."""
import io

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

random = tf.random


def test_gamma_and_poisson_shapes_dtypes_and_moments():
    random.set_seed(1)
    draws = random.gamma([4000], [1.0, 5.0], beta=[[2.0], [1.0]])
    assert draws.shape == (4000, 2, 2) and draws.dtype == tf.float32
    values = draws.numpy()
    np.testing.assert_allclose(values.mean(0), [[0.5, 2.5], [1.0, 5.0]], rtol=0.1)
    np.testing.assert_allclose(values.var(0), [[0.25, 1.25], [1.0, 5.0]], rtol=0.2)
    assert np.isnan(random.gamma([3], [-1.0]).numpy()).all()
    assert random.gamma([2], 2.0, dtype=tf.float64).dtype == tf.float64
    with pytest.raises(TypeError):
        random.gamma([2], 1.0, dtype=tf.int32)
    counts = random.poisson([5000], [0.5, 7.0])
    assert counts.shape == (5000, 2) and counts.dtype == tf.float32
    np.testing.assert_allclose(counts.numpy().mean(0), [0.5, 7.0], rtol=0.1)
    np.testing.assert_allclose(counts.numpy().var(0), [0.5, 7.0], rtol=0.2)
    assert random.poisson([2], [1, 2], dtype=tf.int64).dtype == tf.int64


def test_stateless_distributions_repeat_and_check_shapes():
    one = random.stateless_gamma([3000, 2], [4, 5], [2.0, 9.0], beta=3.0)
    np.testing.assert_array_equal(one.numpy(), random.stateless_gamma([3000, 2], [4, 5], [2.0, 9.0], beta=3.0).numpy())
    np.testing.assert_allclose(one.numpy().mean(0), [2 / 3, 3.0], rtol=0.1)
    poisson = random.stateless_poisson([4000, 2], [1, 2], [3.0, 0.2])
    assert poisson.dtype == tf.int32
    np.testing.assert_allclose(poisson.numpy().mean(0), [3.0, 0.2], rtol=0.15)
    with pytest.raises(ValueError, match="must end with broadcasted shape"):
        random.stateless_poisson([3], [1, 2], [5.0, 4.0])
    binomial = random.stateless_binomial([4000, 2], [3, 4], [10.0, 40.0], [0.5, 0.1])
    assert binomial.dtype == tf.int32 and binomial.shape == (4000, 2)
    np.testing.assert_allclose(binomial.numpy().mean(0), [5.0, 4.0], rtol=0.1)
    np.testing.assert_allclose(binomial.numpy().var(0), [2.5, 3.6], rtol=0.2)
    assert random.stateless_binomial([2], [1, 2], 5.0, 0.5, output_dtype=tf.float32).dtype == tf.float32


def test_stateless_parameterized_truncated_normal():
    draws = random.stateless_parameterized_truncated_normal([20000, 3], [7, 8], means=[0.0, 1.0, 0.0],
                                                            stddevs=[1.0, 2.0, 1.0], minvals=[-1.0, 0.0, 6.0],
                                                            maxvals=[1.0, 5.0, 9.0])
    assert draws.dtype == tf.float32 and draws.shape == (20000, 3)
    values = draws.numpy()
    assert values[:, 0].min() >= -1 and values[:, 0].max() <= 1 and abs(values[:, 0].mean()) < 0.03
    assert values[:, 0].std() == pytest.approx(0.5380, abs=0.02)  # std of N(0, 1) cut to [-1, 1]
    assert values[:, 2].min() >= 6 and values[:, 2].mean() == pytest.approx(6.158, abs=0.03)  # far tail
    np.testing.assert_array_equal(values, random.stateless_parameterized_truncated_normal(
        [20000, 3], [7, 8], means=[0.0, 1.0, 0.0], stddevs=[1.0, 2.0, 1.0], minvals=[-1.0, 0.0, 6.0],
        maxvals=[1.0, 5.0, 9.0]).numpy())
    with pytest.raises(ValueError, match="must end with broadcasted shape"):
        random.stateless_parameterized_truncated_normal([3], [1, 2], means=[0.0, 1.0])


def test_seed_arithmetic():
    folded = random.fold_in([1, 2], 3)
    assert folded.shape == (2,) and folded.dtype == tf.int32
    np.testing.assert_array_equal(folded.numpy(), random.fold_in([1, 2], 3).numpy())
    assert not np.array_equal(folded.numpy(), random.fold_in([1, 2], 4).numpy())
    seeds = random.split(np.array([1, 2], np.int64), 3)
    assert seeds.shape == (3, 2) and seeds.dtype == tf.int64 and len({tuple(r) for r in seeds.numpy()}) == 3
    with pytest.raises(ValueError, match=r"seed must have shape \[2\], not \[3\]"):
        random.split([1, 2, 3])
    np.testing.assert_array_equal(random.create_rng_state(5, "philox").numpy(), [5, 0, 0])
    np.testing.assert_array_equal(random.create_rng_state(5, "threefry").numpy(), [5, 0])
    np.testing.assert_array_equal(random.create_rng_state(2 ** 70, 1).numpy(), [0, 64, 0])
    np.testing.assert_array_equal(random.create_rng_state(-1, random.Algorithm.PHILOX).numpy(), [-1, -1, -1])
    with pytest.raises(ValueError, match="unsupported value foo"):
        random.create_rng_state(5, "foo")
    assert random.Algorithm.PHILOX.value == 1 and random.Algorithm.AUTO_SELECT.value == 3


def test_global_generator():
    generator = random.Generator.from_seed(3)
    random.set_global_generator(generator)
    assert random.get_global_generator() is generator and generator.algorithm == 1
    assert random.get_global_generator().normal([2]).shape == (2,)
    with pytest.raises(TypeError):
        random.set_global_generator(3)


def test_candidate_samplers():
    true = [[1, 2], [3, 4]]
    result = random.uniform_candidate_sampler(true, 2, 3, True, 10, seed=1)
    assert type(result).__name__ == "UniformCandidateSampler"
    assert result.sampled_candidates.dtype == tf.int64 and result.true_expected_count.dtype == tf.float32
    assert result.true_expected_count.shape == (2, 2) and len(set(result.sampled_candidates.numpy())) == 3
    assert (result.true_expected_count.numpy() >= 0.3 - 1e-6).all()  # 1 - 0.9 ** tries with tries >= 3
    plain = random.uniform_candidate_sampler(true, 2, 3, False, 10, seed=1)
    np.testing.assert_allclose(plain.sampled_expected_count.numpy(), [0.3] * 3, rtol=1e-6)
    with pytest.raises(ValueError, match="range is too small"):
        random.uniform_candidate_sampler(true, 2, 11, True, 10)
    log = random.log_uniform_candidate_sampler([[1, 2]], 2, 3, False, 10)
    np.testing.assert_allclose(log.true_expected_count.numpy(),
                               [[3 * np.log(3 / 2) / np.log(11), 3 * np.log(4 / 3) / np.log(11)]], rtol=1e-5)
    fixed = random.fixed_unigram_candidate_sampler([[1, 2]], 2, 3, False, 4, unigrams=[1, 2, 3, 4])
    np.testing.assert_allclose(fixed.true_expected_count.numpy(), [[0.6, 0.9]], rtol=1e-5)
    picks = random.fixed_unigram_candidate_sampler([[1]], 1, 4000, False, 5, num_reserved_ids=1,
                                                   unigrams=[1, 1, 1, 5], seed=2).sampled_candidates.numpy()
    assert 0 not in picks and abs((picks == 4).mean() - 0.625) < 0.05
    assert random.learned_unigram_candidate_sampler([[1, 2]], 2, 3, False, 4).true_expected_count.shape == (1, 2)
    every = random.all_candidate_sampler([[1, 2]], 2, 3, True)
    np.testing.assert_array_equal(every.sampled_candidates.numpy(), [0, 1, 2])
    np.testing.assert_array_equal(every.true_expected_count.numpy(), [[1.0, 1.0]])


IMAGE = np.random.default_rng(0).uniform(0, 255, (24, 32, 3)).astype(np.uint8)


def test_jpeg_quality_and_headers():
    data = tf.image.encode_jpeg(IMAGE)
    assert tf.image.is_jpeg(data) and not tf.image.is_jpeg(tf.image.encode_png(IMAGE))
    np.testing.assert_array_equal(tf.image.extract_jpeg_shape(data).numpy(), [24, 32, 3])
    crop = tf.image.decode_and_crop_jpeg(data, [2, 3, 5, 6])
    np.testing.assert_array_equal(crop.numpy(), tf.image.decode_jpeg(data).numpy()[2:7, 3:9])
    with pytest.raises(ValueError, match="crop window"):
        tf.image.decode_and_crop_jpeg(data, [20, 3, 5, 6])
    low = tf.image.adjust_jpeg_quality(IMAGE, 5)
    assert low.dtype == tf.uint8 and low.shape == IMAGE.shape
    high = tf.image.adjust_jpeg_quality(IMAGE.astype(np.float32) / 255, 95)
    assert high.dtype == tf.float32
    assert np.abs(high.numpy() * 255 - IMAGE).mean() < np.abs(low.numpy().astype(float) - IMAGE).mean()
    with pytest.raises(ValueError, match=r"\[0, 100\]"):
        tf.image.adjust_jpeg_quality(IMAGE, 101)
    seeded = tf.image.stateless_random_jpeg_quality(IMAGE[None], 10, 90, seed=[1, 2])
    np.testing.assert_array_equal(seeded.numpy(),
                                  tf.image.stateless_random_jpeg_quality(IMAGE[None], 10, 90, seed=[1, 2]).numpy())
    assert tf.image.random_jpeg_quality(IMAGE, 40, 50, seed=3).shape == IMAGE.shape


def test_bmp_gif_webp_decoders():
    from PIL import Image
    frames = [Image.fromarray(IMAGE), Image.fromarray(255 - IMAGE)]
    buffers = {}
    for fmt, extra in [("BMP", {}), ("GIF", {"save_all": True, "append_images": frames[1:]}), ("WEBP",
                                                                                                {"lossless": True})]:
        buffer = io.BytesIO()
        frames[0].save(buffer, format=fmt, **extra)
        buffers[fmt] = buffer.getvalue()
    np.testing.assert_array_equal(tf.image.decode_bmp(buffers["BMP"]).numpy(), IMAGE)
    np.testing.assert_array_equal(tf.image.decode_webp(buffers["WEBP"]).numpy(), IMAGE)
    gif = tf.image.decode_gif(buffers["GIF"])
    assert gif.shape == (2, 24, 32, 3) and gif.dtype == tf.uint8
    with pytest.raises(ValueError, match="expected PNG or JPEG or GIF data, received BMP"):
        tf.image.decode_gif(buffers["BMP"])


def test_sample_distorted_bounding_box_obeys_its_constraints():
    boxes = [[[0.1, 0.2, 0.5, 0.6]]]
    for seed in range(30):
        begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
            [60, 80, 3], boxes, seed=[seed, 1], min_object_covered=0.6, aspect_ratio_range=(0.5, 2.0),
            area_range=(0.1, 0.8))
        assert begin.dtype == tf.int32 and box.dtype == tf.float32 and box.shape == (1, 1, 4)
        (y, x, zero), (h, w, minus) = begin.numpy(), size.numpy()
        assert zero == 0 and minus == -1 and y + h <= 60 and x + w <= 80
        if (h, w) != (60, 80):
            assert 0.1 * 4800 <= h * w <= 0.8 * 4800
            overlap = max(min(y + h, 30) - max(y, 6), 0) * max(min(x + w, 48) - max(x, 16), 0)
            assert overlap / (24 * 32) >= 0.6
        np.testing.assert_allclose(box.numpy()[0, 0], [y / 60, x / 80, (y + h) / 60, (x + w) / 80], rtol=1e-6)
    again = tf.image.stateless_sample_distorted_bounding_box([60, 80, 3], boxes, seed=[4, 1])
    np.testing.assert_array_equal(again[0].numpy(), tf.image.stateless_sample_distorted_bounding_box(
        [60, 80, 3], boxes, seed=[4, 1])[0].numpy())
    with pytest.raises(ValueError, match="No bounding boxes"):
        tf.image.sample_distorted_bounding_box([60, 80, 3], np.zeros((1, 0, 4), np.float32))
    begin, size, _ = tf.image.sample_distorted_bounding_box([60, 80, 3], np.zeros((1, 0, 4), np.float32), seed=1,
                                                            use_image_if_no_bounding_boxes=True)
    assert size.numpy()[2] == -1
