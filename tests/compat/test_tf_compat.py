"""The TensorFlow setup names tutorials call: seeds, determinism, TF1 optimizers, strategies, compat.v1."""
import logging

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _fit_once(optimizer="adam", epochs=2):
    x = np.random.rand(64, 3).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dropout(0.3),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return history.history["loss"], model.get_weights()


@pytest.mark.parametrize("seed_fn", [lambda s: tf.keras.utils.set_random_seed(s), None])
def test_seeding_makes_runs_repeat(seed_fn):
    if seed_fn is None:  # TF1 scripts: NumPy seeded by hand, TensorFlow by tf.set_random_seed
        def seed_fn(s):
            np.random.seed(s)
            tf.set_random_seed(s)
    seed_fn(7)
    first = _fit_once()
    seed_fn(7)
    second = _fit_once()
    assert first[0] == second[0]
    for a, b in zip(first[1], second[1]):
        np.testing.assert_array_equal(a, b)
    tf.compat.v1.set_random_seed(1)
    draw = tf.random.normal((4,)).numpy()
    tf.set_random_seed(1)
    np.testing.assert_array_equal(draw, tf.random.normal((4,)).numpy())


def test_enable_op_determinism_switches_torch_to_deterministic_kernels():
    before = (torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.deterministic,
              torch.backends.cudnn.benchmark)
    try:
        tf.config.experimental.enable_op_determinism()
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.is_deterministic_algorithms_warn_only_enabled()  # an op without one warns, as a fallback
        assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
        tf.keras.utils.set_random_seed(3)
        first = _fit_once(epochs=1)
        tf.keras.utils.set_random_seed(3)
        assert _fit_once(epochs=1)[0] == first[0]
    finally:
        torch.use_deterministic_algorithms(before[0])
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = before[1], before[2]


def test_devices_are_answered_truthfully():
    gpus = tf.config.list_physical_devices("GPU")
    assert len(gpus) == (torch.cuda.device_count() if torch.cuda.is_available() else 0)
    assert tf.config.experimental.list_physical_devices("CPU")[0].name == "/physical_device:CPU:0"
    from tkeras.compat.tf_namespace.python.client import device_lib
    local = device_lib.list_local_devices()
    assert [d.device_type for d in local] == ["CPU"] + ["GPU"] * len(gpus)
    assert tf.test.is_gpu_available() == bool(gpus)
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)  # accepted: torch allocates on demand
    with pytest.raises(AttributeError, match=r"^tf\.config\.experimental\.no_such is not supported in tkeras$"):
        tf.config.experimental.no_such


TF1_OPTIMIZERS = [
    (lambda: tf.train.AdamOptimizer(0.01, beta1=0.8, beta2=0.99, epsilon=1e-6),
     keras.optimizers.Adam, {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6}),
    (lambda: tf.train.GradientDescentOptimizer(0.5), keras.optimizers.SGD, {"learning_rate": 0.5, "momentum": 0.0}),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True), keras.optimizers.SGD,
     {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    (lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8), keras.optimizers.RMSprop,
     {"learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-10}),
    (lambda: tf.train.AdagradOptimizer(0.1), keras.optimizers.Adagrad,
     {"learning_rate": 0.1, "initial_accumulator_value": 0.1}),
    (lambda: tf.train.AdadeltaOptimizer(), keras.optimizers.Adadelta, {"learning_rate": 0.001, "rho": 0.95}),
]


@pytest.mark.parametrize("make, keras_class, expected", TF1_OPTIMIZERS, ids=lambda v: getattr(v, "__name__", ""))
def test_tf1_optimizers_are_the_keras_optimizers_with_tf1_arguments(make, keras_class, expected):
    optimizer = make()
    assert type(optimizer) is keras_class
    config = optimizer.get_config()
    for key, value in expected.items():
        assert config[key] == pytest.approx(value, rel=1e-6), key


def test_tf1_optimizer_in_compile_trains_exactly_like_its_keras_twin():
    tf.keras.utils.set_random_seed(0)
    tf1 = _fit_once(optimizer=tf.train.AdamOptimizer(learning_rate=0.01))
    tf.keras.utils.set_random_seed(0)
    twin = _fit_once(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))
    assert tf1[0] == twin[0]
    with pytest.raises(AttributeError, match=r"^tf\.train\.FtrlOptimizer is not supported in tkeras$"):
        tf.train.FtrlOptimizer


def test_distribute_and_mixed_precision_map_onto_tkeras():
    import tkeras.distribute
    import tkeras.mixed_precision
    assert tf.distribute.MirroredStrategy is tkeras.distribute.MirroredStrategy
    assert tf.keras.mixed_precision is tkeras.mixed_precision
    try:  # the Kaggle notebook probe: no TPU -> ValueError -> the default strategy
        tf.distribute.cluster_resolver.TPUClusterResolver()
        strategy = None
    except ValueError:
        strategy = tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    mirrored = tf.distribute.MirroredStrategy()
    try:
        with mirrored.scope():
            model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
            model.compile(optimizer="sgd", loss="mse")
        assert mirrored.num_replicas_in_sync == 1  # one process: training runs as before
        model.fit(np.ones((4, 2)), np.ones(4), verbose=0)
    finally:
        tkeras.distribute.set_distribution(None)
    with pytest.raises(AttributeError, match="TPUStrategy is not supported in tkeras"):
        tf.distribute.TPUStrategy()
    policy = tf.keras.mixed_precision.global_policy().name
    try:
        tf.keras.mixed_precision.set_global_policy("mixed_bfloat16")
        assert tkeras.mixed_precision.global_policy().compute_dtype == "bfloat16"
    finally:
        tf.keras.mixed_precision.set_global_policy(policy)


def test_tf1_setup_calls_are_accepted_and_graph_calls_are_not(caplog):
    v1 = tf.compat.v1
    v1.disable_eager_execution()
    v1.disable_v2_behavior()
    v1.enable_eager_execution()  # the switch changes how later tests' fit/predict print (graph_mode_loops.py)
    v1.logging.set_verbosity(v1.logging.ERROR)
    assert logging.getLogger("tensorflow").level == logging.ERROR
    tf.get_logger().setLevel("INFO")
    tf.autograph.set_verbosity(0)
    tf.debugging.set_log_device_placement(False)
    assert v1.constant is tf.constant and tf.compat.v2.reduce_sum is tf.reduce_sum
    config = v1.ConfigProto(log_device_placement=False)
    config.gpu_options.allow_growth = True  # the GPU-memory snippet of 2018-2019 tutorials
    config.gpu_options.per_process_gpu_memory_fraction = 0.4
    with v1.Session(config=config) as session:
        assert session.config.gpu_options.allow_growth is True
        with pytest.raises(AttributeError, match=r"^tf\.Session\.run is not supported in tkeras \(TensorFlow 1; .*\): TF1 graph mode"):
            session.run(tf.constant(1.0))
    with pytest.raises(AttributeError, match=r"^tf\.global_variables_initializer is not supported in tkeras"):
        v1.global_variables_initializer()
    tf.reset_default_graph()
    assert keras.layers.Dense(1).name == "dense"  # names start over, as Keras' clear_session
