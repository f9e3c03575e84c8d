"""The one harness every layer test uses (as Keras' run_layer_test): build, call, output shape,
weight counts, get_config/from_config round trip, and a training step that changes the weights."""
import numpy as np
import torch


def run_layer_test(layer_cls, init_kwargs=None, input_shape=None, input_data=None, input_dtype="float32",
                   expected_output_shape=None, expected_num_trainable_weights=None,
                   expected_num_non_trainable_weights=None, expected_output=None, atol=1e-5,
                   run_training_check=True, supports_masking=None):
    init_kwargs = dict(init_kwargs or {})
    if input_data is None:
        rng = np.random.default_rng(0)
        if input_dtype.startswith("int"):
            input_data = rng.integers(0, 5, size=input_shape).astype(input_dtype)
        else:
            input_data = rng.standard_normal(input_shape).astype(input_dtype)
    input_shape = tuple(np.shape(input_data)) if not isinstance(input_data, list) else [np.shape(x) for x in input_data]

    layer = layer_cls(**init_kwargs)
    output = layer(input_data)
    outputs = output if isinstance(output, (list, tuple)) else [output]
    if expected_output_shape is not None:
        expected = expected_output_shape if isinstance(expected_output_shape, list) else [expected_output_shape]
        got = [tuple(o.shape) for o in outputs]
        assert got == [tuple(e) for e in expected], f"output shape {got} != expected {expected}"
    if isinstance(input_shape, list):
        symbolic_shape = [(None,) + tuple(s[1:]) for s in input_shape]
    else:
        symbolic_shape = (None,) + tuple(input_shape[1:])
    computed = layer.compute_output_shape(symbolic_shape)
    computed_list = computed if isinstance(computed, list) else [computed]
    assert [tuple(c[1:]) for c in computed_list] == [tuple(o.shape[1:]) for o in outputs], \
        f"compute_output_shape {computed} disagrees with the real output {[tuple(o.shape) for o in outputs]}"
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    if expected_output is not None:
        _assert_close(output, expected_output, atol)

    # config round trip: same class, same config, and with the same weights the same output
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert type(clone) is layer_cls
    clone_output = clone(input_data)
    if layer.weights:
        clone.set_weights(layer.get_weights())
        clone_output = clone(input_data)
    assert clone.get_config() == config or _same_config(clone.get_config(), config)
    if not _is_random(layer):
        _assert_close(clone_output, _np(output), atol)

    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    if run_training_check and layer.trainable_weights:
        before = [w.detach().clone() for w in layer.trainable_weights]
        optimizer = torch.optim.SGD(layer.trainable_weights, lr=0.1)
        result = layer(input_data, training=True)
        results = result if isinstance(result, (list, tuple)) else [result]
        loss = sum(torch.as_tensor(r).float().square().mean() for r in results)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        changed = any(not torch.equal(b, w.detach()) for b, w in zip(before, layer.trainable_weights))
        assert changed, "a training step left every trainable weight unchanged"
    return layer, output


def _assert_close(actual, expected, atol):
    """Several outputs (return_state, merge_mode=None) may differ in shape: compare them one by one."""
    if isinstance(actual, (list, tuple)):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _assert_close(a, e, atol)
        return
    np.testing.assert_allclose(_np(actual), expected, atol=atol, rtol=1e-5)


def _np(value):
    if isinstance(value, (list, tuple)):
        return [_np(v) for v in value]
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


def _is_random(layer):
    return type(layer).__name__ in {"GaussianNoise", "GaussianDropout", "AlphaDropout"}


def _same_config(a, b):
    a = {k: v for k, v in a.items() if k != "name"}
    b = {k: v for k, v in b.items() if k != "name"}
    return a == b


def assert_recorded_steps(layer, steps, **tolerance):
    """Run `layer` through steps recorded from real Keras ({"x", "y", "weights"} each, in `layer.weights`
    order): after each training call, the output and every weight match the recording."""
    for step in steps:
        y = layer(np.asarray(step["x"], "float32"), training=True)
        np.testing.assert_allclose(_np(y), np.asarray(step["y"], "float32"), **tolerance)
        for got, want, weight in zip(layer.get_weights(), step["weights"], layer.weights):
            np.testing.assert_allclose(got, np.asarray(want, "float32"), err_msg=weight.name, **tolerance)


def assert_frozen_call_keeps_weights(layer, x, expected, **tolerance):
    """With `trainable = False`, a training call gives `expected` and moves no weight (moving statistics
    included), as Keras' frozen layers do."""
    layer.trainable = False
    before = layer.get_weights()
    np.testing.assert_allclose(_np(layer(x, training=True)), np.asarray(expected, "float32"), **tolerance)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
