"""`python -m tkeras run` adds one line of advice to the failures where TensorFlow code meets torch's
operator semantics inside a layer's call (keras-io's RealNVP: `numpy_mask * tensor`, `tensor *
numpy_mask` on a tensor with gradients, `s *= mask` on a tensor kept for a gradient)."""
import numpy as np
import pytest
import torch

from tkeras.compat import runner


def _raised(action):
    with pytest.raises(Exception) as info:
        action()
    return info.value


def _numpy_on_the_left():
    return np.ones(2, "float32") * torch.ones(2)


def _numpy_added_on_the_left():
    return np.ones(2, "float32") + torch.ones(2)


def _numpy_on_the_right_with_gradients():
    return (torch.ones(2, requires_grad=True) * 2) * np.ones(2, "float32")


def _in_place_on_a_kept_tensor():
    s = torch.tanh(torch.ones(2, requires_grad=True))
    s *= torch.tensor([0.0, 1.0])
    s.sum().backward()


@pytest.mark.parametrize("action, advice", [
    (_numpy_on_the_left, "Make the array a tensor where it is created"),
    (_numpy_added_on_the_left, "Make the array a tensor where it is created"),
    (_numpy_on_the_right_with_gradients, "NumPy was handed a tensor that carries gradients"),
    (_in_place_on_a_kept_tensor, "Write `x = x * y`"),
])
def test_torch_operator_failures_get_advice(action, advice, capsys, tmp_path):
    error = _raised(action)
    runner.report(error, str(tmp_path / "script.py"))
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2].startswith(type(error).__name__)
    assert lines[-1].startswith("tkeras: ") and advice in lines[-1]


def test_other_failures_get_no_advice(capsys, tmp_path):
    runner.report(_raised(lambda: torch.ones(2) @ torch.ones(3)), str(tmp_path / "script.py"))
    assert "tkeras: " not in capsys.readouterr().err
    runner.report(TypeError("unsupported operand type(s) for *: 'list' and 'Tensor'"), "script.py")
    assert "tkeras: " not in capsys.readouterr().err
