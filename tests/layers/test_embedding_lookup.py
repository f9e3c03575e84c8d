"""Embedding's CPU gradient (`layers/core/_embedding_lookup.py`): the table's gradient against a NumPy
scatter-add, repeated ids, every id shape and dtype the layer passes, and the out-of-range report."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tkeras as keras
from tkeras.layers.core._embedding_lookup import lookup


@pytest.mark.parametrize("id_dtype", [torch.int32, torch.int64])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)])
def test_table_gradient_is_a_scatter_add_of_the_output_gradient(id_dtype, shape):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 6, size=shape)  # 6 rows for up to 24 ids: many repeats
    table = torch.tensor(rng.normal(size=(6, 3)), dtype=torch.float32, requires_grad=True)
    upstream = rng.normal(size=shape + (3,)).astype("float32")
    out = lookup(torch.as_tensor(ids, dtype=id_dtype), table)
    np.testing.assert_array_equal(out.detach().numpy(), table.detach().numpy()[ids])
    out.backward(torch.from_numpy(upstream))
    expected = np.zeros((6, 3), dtype=np.float64)
    np.add.at(expected, ids.reshape(-1), upstream.reshape(-1, 3).astype(np.float64))
    np.testing.assert_allclose(table.grad.numpy(), expected, rtol=1e-6, atol=1e-6)


def test_gradient_bits_equal_torch_embedding():
    ids = torch.randint(0, 1000, (64, 50))
    table = torch.randn(1000, 16, requires_grad=True)
    upstream = torch.randn(64, 50, 16)
    F.embedding(ids, table).backward(upstream)
    expected, table.grad = table.grad, None
    lookup(ids, table).backward(upstream)
    assert torch.equal(table.grad, expected)


def test_layer_trains_through_it_and_reports_bad_ids():
    layer = keras.layers.Embedding(5, 2, name="words")
    ids = np.array([[0, 4, 4], [1, 2, 4]])
    layer(ids).sum().backward()
    grad = layer.embeddings.grad.numpy()
    np.testing.assert_array_equal(grad[:, 0], [1, 1, 1, 0, 3])  # rows counted by id
    with pytest.raises(ValueError, match=r"'words'.*\[0, input_dim=5\)"):
        layer(np.array([[1, 5]]))


def test_without_gradients_it_is_torch_embedding():
    table = torch.randn(4, 2)
    with torch.no_grad():
        out = lookup(torch.tensor([[3, 0]]), table.requires_grad_())
    assert out.grad_fn is None
    torch.testing.assert_close(out, table.detach()[[3, 0]][None])


def test_wide_tables_keep_torch_embedding():
    table = torch.randn(4, 129, requires_grad=True)
    out = lookup(torch.tensor([1, 1, 3]), table)
    assert type(out.grad_fn).__name__ == "EmbeddingBackward0"
    narrow = lookup(torch.tensor([1, 1, 3]), torch.randn(4, 128, requires_grad=True))
    assert type(narrow.grad_fn).__name__ != "EmbeddingBackward0"


def test_vmap_batches_torch_embedding():
    """Under torch.vmap (ops.vectorized_map) the lookup is torch's, which vmap knows."""
    table = torch.randn(5, 3, requires_grad=True)
    ids = torch.tensor([[1, 2], [3, 4]])
    out = torch.vmap(lambda i: lookup(i, table))(ids)
    torch.testing.assert_close(out, table.detach()[ids])


def test_second_derivatives_pass_through():
    """Nested GradientTapes differentiate gradients: the backward is itself differentiable."""
    ids = torch.tensor([[0, 2, 2], [1, 0, 3]])
    table = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: lookup(ids, t).pow(2), (table,))
