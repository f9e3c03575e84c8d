"""`tf.random`: TensorFlow's seeding rules (op seeds give a sequence that set_seed restarts; stateless
seeds give one fixed draw; Generator objects), distributions by their statistics, dtypes and errors."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

random = tf.random


def test_an_op_seed_gives_a_sequence_that_set_seed_restarts():
    random.set_seed(5)
    first, second = random.uniform([4], seed=1).numpy(), random.uniform([4], seed=1).numpy()
    assert not np.array_equal(first, second)  # eager TensorFlow: each call moves on
    random.set_seed(5)
    np.testing.assert_array_equal(random.uniform([4], seed=1).numpy(), first)
    np.testing.assert_array_equal(random.uniform([4], seed=1).numpy(), second)
    random.set_seed(5)
    unseeded = random.normal([3]).numpy()
    random.set_seed(5)
    np.testing.assert_array_equal(random.normal([3]).numpy(), unseeded)


def test_keras_set_random_seed_also_restarts_op_seed_sequences():
    import tkeras as keras
    keras.utils.set_random_seed(21)
    first = [random.uniform([3], seed=4).numpy() for _ in range(2)]
    keras.utils.set_random_seed(22)
    other = random.uniform([3], seed=4).numpy()
    keras.utils.set_random_seed(21)
    again = [random.uniform([3], seed=4).numpy() for _ in range(2)]
    np.testing.assert_array_equal(np.stack(first), np.stack(again))
    assert not np.array_equal(first[0], other)


def test_distributions_dtypes_and_ranges():
    random.set_seed(0)
    draws = random.uniform([20000], minval=-2.0, maxval=3.0)
    assert draws.dtype == tf.float32 and -2.0 <= float(draws.numpy().min()) and float(draws.numpy().max()) < 3.0
    assert abs(float(draws.numpy().mean()) - 0.5) < 0.05
    ints = random.uniform([1000], minval=3, maxval=7, dtype=tf.int32).numpy()
    assert ints.dtype == np.int32 and set(ints.tolist()) == {3, 4, 5, 6}
    normal = random.normal([20000], mean=1.0, stddev=2.0).numpy()
    assert abs(normal.mean() - 1.0) < 0.06 and abs(normal.std() - 2.0) < 0.06
    truncated = random.truncated_normal([5000], stddev=0.5).numpy()
    assert np.abs(truncated).max() <= 1.0 and abs(truncated.std() - 0.5 * 0.8796) < 0.02  # std of N cut at 2σ
    picks = random.categorical(np.log([[0.2, 0.8]]), 5000).numpy()
    assert picks.shape == (1, 5000) and picks.dtype == np.int64 and abs(picks.mean() - 0.8) < 0.03
    rows = np.arange(10).reshape(5, 2)
    shuffled = random.shuffle(rows).numpy()
    assert sorted(shuffled.tolist()) == rows.tolist() and shuffled.shape == (5, 2)


def test_stateless_draws_repeat_for_the_same_seed():
    one = random.stateless_uniform([6], seed=[1, 2]).numpy()
    np.testing.assert_array_equal(one, random.stateless_uniform([6], seed=(1, 2)).numpy())
    assert not np.array_equal(one, random.stateless_uniform([6], seed=[1, 3]).numpy())
    np.testing.assert_array_equal(random.stateless_normal([3], seed=[4, 4]).numpy(),
                                  random.stateless_normal([3], seed=np.array([4, 4])).numpy())
    assert random.stateless_uniform([2], seed=[0, 1], minval=0, maxval=5, dtype=tf.int64).dtype == tf.int64


def test_generator_objects_and_their_seeds():
    a, b = random.Generator.from_seed(11), random.Generator.from_seed(11)
    np.testing.assert_array_equal(a.normal([4]).numpy(), b.normal([4]).numpy())
    assert not np.array_equal(a.uniform([4]).numpy(), a.uniform([4]).numpy())
    seeds = a.make_seeds(3)
    assert tuple(seeds.shape) == (2, 3) and seeds.dtype == tf.int64
    image = np.random.RandomState(0).uniform(size=(4, 4, 3)).astype("float32")
    flipped = tf.image.stateless_random_brightness(image, 0.5, seed=seeds[:, 0])
    np.testing.assert_array_equal(flipped.numpy(), tf.image.stateless_random_brightness(
        image, 0.5, seed=seeds[:, 0]).numpy())
    children = a.split(2)
    assert len(children) == 2 and not np.array_equal(children[0].uniform([3]).numpy(),
                                                     children[1].uniform([3]).numpy())
    assert random.experimental.Generator is random.Generator


def test_errors_name_the_function_and_argument():
    with pytest.raises(ValueError, match=r"tf.random.uniform: an integer dtype \(torch.int32\) needs `maxval`"):
        random.uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match=r"tf.random.stateless_uniform: `seed` must be a shape \[2\] tensor"):
        random.stateless_uniform([2], seed=3)
    with pytest.raises(ValueError, match=r"tf.random.set_seed expects an integer seed, received 1.5"):
        random.set_seed(1.5)
    with pytest.raises(AttributeError, match=r"tf.random.experimental.index_shuffle is not supported in tkeras"):
        random.experimental.index_shuffle
