"""The Loss object: reductions, sample weights, masks, custom functions, names and configs."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import losses

Y = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]], dtype="float32")
P = np.array([[1.0, 1.0], [1.0, 3.0], [0.0, 0.0]], dtype="float32")
PER_SAMPLE = ((Y - P) ** 2).mean(-1)  # [0.5, 2.0, 2.0]
W = np.array([2.0, 0.5, 0.0], dtype="float32")


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", (PER_SAMPLE * W).sum() / 3),
    ("auto", (PER_SAMPLE * W).sum() / 3),  # Keras 2's name for the same thing
    ("mean", (PER_SAMPLE * W).sum() / 3),
    ("sum", (PER_SAMPLE * W).sum()),
    ("mean_with_sample_weight", (PER_SAMPLE * W).sum() / W.sum()),
    ("none", PER_SAMPLE * W),
    (None, PER_SAMPLE * W),
])
def test_reductions_with_sample_weight(reduction, expected):
    got = losses.MeanSquaredError(reduction=reduction)(Y, P, sample_weight=W)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


def test_column_sample_weight_does_not_broadcast_to_a_matrix():
    got = losses.MeanSquaredError(reduction="none")(Y, P, sample_weight=W.reshape(-1, 1))
    np.testing.assert_allclose(got.numpy(), PER_SAMPLE * W)


def test_scalar_sample_weight_scales():
    got = losses.MeanSquaredError()(Y, P, sample_weight=3.0)
    np.testing.assert_allclose(float(got), PER_SAMPLE.mean() * 3.0, rtol=1e-6)


def test_timestep_sample_weights():
    y = np.zeros((2, 3, 1), dtype="float32")
    p = np.arange(6, dtype="float32").reshape(2, 3, 1)
    w = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype="float32")
    got = losses.MeanSquaredError(reduction="sum")(y, p, sample_weight=w)
    np.testing.assert_allclose(float(got), (p[..., 0] ** 2 * w).sum())


def test_mask_on_predictions_averages_over_unmasked_steps():
    y = np.zeros((2, 3, 1), dtype="float32")
    p = torch.arange(6, dtype=torch.float32).reshape(2, 3, 1)
    p._keras_mask = torch.tensor([[True, True, False], [True, False, False]])
    got = losses.MeanSquaredError()(y, p)
    np.testing.assert_allclose(float(got), (0 + 1 + 9) / 3, rtol=1e-6)
    summed = losses.MeanSquaredError(reduction="sum")(y, p)
    np.testing.assert_allclose(float(summed), 10.0)


def test_gradient_flows_to_predictions():
    p = torch.tensor(P, requires_grad=True)
    losses.MeanSquaredError()(Y, p).backward()
    np.testing.assert_allclose(p.grad.numpy(), 2 * (P - Y) / P.size, rtol=1e-6)


def test_bad_reduction_names_the_argument_and_suggests():
    with pytest.raises(ValueError, match=r"reduction.*'summ'.*Did you mean 'sum'"):
        losses.MeanSquaredError(reduction="summ")


def test_custom_function_is_wrapped():
    def doubled_abs(y_true, y_pred):
        return 2 * torch.abs(y_true - y_pred).mean(dim=-1)

    wrapper = losses.LossFunctionWrapper(doubled_abs, reduction="sum")
    assert wrapper.name == "doubled_abs"
    np.testing.assert_allclose(float(wrapper(Y, P)), (2 * np.abs(Y - P).mean(-1)).sum(), rtol=1e-6)
    assert losses.get(doubled_abs) is doubled_abs


def test_custom_loss_subclass():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return (torch.abs(y_pred - y_true) ** 3).mean(dim=-1)

    loss = Cubed()
    assert loss.name == "cubed"
    np.testing.assert_allclose(float(loss(Y, P)), (np.abs(P - Y) ** 3).mean(), rtol=1e-6)


# -- names -----------------------------------------------------------------------------------------
def test_get_follows_keras3_functions_versus_classes():
    assert losses.get("binary_crossentropy") is losses.binary_crossentropy
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    assert losses.get(None) is None
    instance = losses.Huber(delta=3.0)
    assert losses.get(instance) is instance
    assert isinstance(losses.get(losses.Poisson), losses.Poisson)


@pytest.mark.parametrize("alias, function", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("mape", losses.mean_absolute_percentage_error), ("msle", losses.mean_squared_logarithmic_error),
    ("kld", losses.kl_divergence), ("kl_divergence", losses.kl_divergence),
    ("kullback_leibler_divergence", losses.kl_divergence), ("logcosh", losses.log_cosh),
    ("huber_loss", losses.huber), ("cosine_similarity", losses.cosine_similarity),
    ("binarycrossentropy", losses.binary_crossentropy),
])
def test_aliases(alias, function):
    assert losses.get(alias) is function


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError) as info:
        losses.get("categorical_crossentropyy")
    message = str(info.value)
    assert "Unknown loss" in message and "Did you mean 'categorical_crossentropy'" in message
    assert "mean_squared_error" in message


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="Could not interpret loss"):
        losses.get(3)


def test_config_round_trip_keeps_arguments():
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction="sum", name="cce")
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses" and config["class_name"] == "CategoricalCrossentropy"
    rebuilt = losses.deserialize(config)
    assert rebuilt.get_config() == loss.get_config()
    y = np.eye(3, dtype="float32")[[0, 2]]
    p = np.array([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], dtype="float32")
    np.testing.assert_allclose(float(rebuilt(y, p)), float(loss(y, p)))


def test_functions_serialize_by_name_as_keras3_does():
    config = losses.serialize(losses.mean_squared_error)
    # Keras 3.15.1 writes its own functions with module "builtins" (tests/fixtures/object_configs_keras3.json)
    assert config == {"module": "builtins", "class_name": "function", "config": "mean_squared_error",
                      "registered_name": "function"}
    assert losses.deserialize(config) is losses.mean_squared_error
    assert losses.deserialize("mse") is losses.mean_squared_error


def test_tf_keras_config_with_auto_and_fn_loads():
    config = {"class_name": "BinaryCrossentropy",
              "config": {"reduction": "auto", "name": "binary_crossentropy", "from_logits": True,
                         "label_smoothing": 0.0, "axis": -1, "fn": "binary_crossentropy"}}
    loss = losses.get(config)
    assert isinstance(loss, losses.BinaryCrossentropy) and loss.from_logits
    assert loss.reduction == "sum_over_batch_size"


def test_wrapped_custom_function_round_trips_with_custom_objects():
    def my_loss(y_true, y_pred):
        return (y_true - y_pred).abs().mean(dim=-1)

    config = losses.serialize(losses.LossFunctionWrapper(my_loss, name="mine"))
    rebuilt = losses.deserialize(config, custom_objects={"my_loss": my_loss})
    assert rebuilt.fn is my_loss and rebuilt.name == "mine"


def test_keras_namespace_exposes_losses():
    assert keras.losses.MeanSquaredError is losses.MeanSquaredError
