"""TensorFlow's gather with batch_dims (ops/batched_gather.py) against a NumPy loop over the batch
entries; values of the cases were also checked once against tf.gather."""
import numpy as np
import pytest
import torch

from tkeras.ops.batched_gather import gather_per_batch


def _numpy_reference(params, indices, axis, batch_dims):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([_numpy_reference(p, i, axis - 1, batch_dims - 1) for p, i in zip(params, indices)])


@pytest.mark.parametrize("params_shape, indices_shape, axis, batch_dims", [
    ((2, 5, 3), (2, 4), 1, 1),        # per-image patch selection (MAE)
    ((2, 3, 5, 4), (2, 3, 2), 2, 2),
    ((2, 3, 5), (2, 4), 2, 1),        # an axis between the batch and the gathered one
    ((2, 5, 3), (2, 2, 3), 1, 1),     # several index dimensions per batch entry
    ((2, 3, 6, 2), (2, 4), 2, 1),
])
def test_matches_a_loop_over_batch_entries(params_shape, indices_shape, axis, batch_dims):
    rng = np.random.default_rng(0)
    params = rng.normal(size=params_shape).astype("float32")
    indices = rng.integers(0, params_shape[axis], size=indices_shape)
    got = gather_per_batch(torch.tensor(params), torch.tensor(indices), axis, batch_dims).numpy()
    np.testing.assert_array_equal(got, _numpy_reference(params, indices, axis, batch_dims))


def test_gradient_flows_to_the_picked_entries():
    params = torch.zeros(2, 4, requires_grad=True)
    gather_per_batch(params, torch.tensor([[1, 1], [3, 0]]), 1, 1).sum().backward()
    np.testing.assert_array_equal(params.grad.numpy(), [[0, 2, 0, 0], [1, 0, 0, 1]])


def test_mismatched_batch_dimensions_are_refused():
    with pytest.raises(ValueError, match="must match"):
        gather_per_batch(torch.zeros(2, 5), torch.zeros(3, 1, dtype=torch.long), 1, 1)


def test_tf_gather_with_batch_dims_uses_it():
    from tkeras.compat import tf_namespace as tf
    rng = np.random.default_rng(1)
    params, indices = rng.normal(size=(2, 5, 3)).astype("float32"), rng.integers(0, 5, size=(2, 4))
    got = np.asarray(tf.gather(params, indices, axis=1, batch_dims=1))
    np.testing.assert_array_equal(got, _numpy_reference(params, indices, 1, 1))
