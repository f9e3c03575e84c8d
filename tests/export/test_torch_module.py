"""model.torch_module(): a plain torch.nn.Module over the same weights."""
import numpy as np
import torch

import tkeras as keras
from tkeras.export import InferenceModule


def _model():
    torch.manual_seed(0)
    return keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                             keras.layers.Dropout(0.5), keras.layers.Dense(2)])


def _device(model):
    return model.weights[0].device


def test_forward_returns_plain_tensors_equal_to_predict():
    model = _model()
    module = model.torch_module()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    out = module(torch.from_numpy(x).to(_device(model)))
    assert type(out) is torch.Tensor and isinstance(module, torch.nn.Module) and not module.training
    np.testing.assert_allclose(out.detach().cpu().numpy(), model.predict(x, verbose=0), atol=1e-6)


def test_train_mode_turns_dropout_on_and_eval_turns_it_off():
    model = _model()
    module = model.torch_module()
    x = torch.ones(64, 4, device=_device(model))
    eval_a, eval_b = module(x), module(x)
    torch.testing.assert_close(eval_a, eval_b)
    module.train()
    assert not torch.equal(module(x), module(x))  # dropout masks differ


def test_a_torch_optimizer_trains_the_keras_model_in_place():
    model = _model()
    module = model.torch_module()
    assert {id(p) for p in module.parameters()} == {id(w) for w in model.trainable_weights}
    before = model.get_weights()[0].copy()
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    loss = module(torch.randn(16, 4, device=_device(model))).pow(2).mean()
    loss.backward()
    optimizer.step()
    expected = before - 0.1 * model.trainable_weights[0].grad.cpu().numpy()
    np.testing.assert_allclose(model.get_weights()[0], expected, rtol=1e-6, atol=1e-7)


def test_tracing_with_torch_jit_sees_an_ordinary_module():
    model = _model()
    module = model.torch_module()
    x = torch.randn(3, 4, device=_device(model))
    traced = torch.jit.trace(module, (x,))
    torch.testing.assert_close(traced(x), module(x))


def test_an_unbuilt_model_is_refused_with_the_fix():
    import pytest
    with pytest.raises(ValueError, match="not built.*input_shape"):
        InferenceModule(keras.Sequential([keras.layers.Dense(2)]))
