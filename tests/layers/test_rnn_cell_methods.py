"""tf-keras 2's DropoutRNNCellMixin methods and both spellings of cells' get_initial_state.

Expected forms recorded with tf-keras 2.21 and Keras 3.15.1: Keras 3's `get_initial_state(2)` gives a
list for every cell; tf-keras' `get_initial_state(inputs=..)` / `(batch_size=.., dtype=..)` a single
tensor for SimpleRNNCell and GRUCell, [h, c] for LSTMCell; `get_dropout_mask_for_cell(x, True, count=4)`
four (4, 6) masks, the same object again until reset, all ones when training is False, None at rate 0.
"""
import numpy as np
import pytest
import torch

import tkeras as keras

CELLS = {"SimpleRNNCell": 1, "GRUCell": 1, "LSTMCell": 2}


@pytest.mark.parametrize("name", sorted(CELLS))
def test_get_initial_state_both_spellings(name):
    cell = getattr(keras.layers, name)(3)
    states = cell.get_initial_state(2)  # Keras 3
    assert isinstance(states, list) and len(states) == CELLS[name]
    assert all(tuple(s.shape) == (2, 3) and float(s.abs().sum()) == 0 for s in states)
    assert isinstance(cell.get_initial_state(batch_size=2), list)
    for tf_keras_form in (cell.get_initial_state(inputs=torch.zeros(2, 5)),
                          cell.get_initial_state(batch_size=2, dtype="float32")):
        if CELLS[name] == 1:
            assert isinstance(tf_keras_form, torch.Tensor) and tuple(tf_keras_form.shape) == (2, 3)
        else:
            assert [tuple(s.shape) for s in tf_keras_form] == [(2, 3), (2, 3)]
    assert cell.get_initial_state(batch_size=2, dtype="float64")[0].dtype == torch.float64
    with pytest.raises(ValueError, match=f"{name}.get_initial_state: pass `batch_size` or `inputs`"):
        cell.get_initial_state()


def test_dropout_masks_for_cell_cached_until_reset():
    torch.manual_seed(0)
    cell = keras.layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.25)
    masks = cell.get_dropout_mask_for_cell(torch.ones(64, 6), True, count=4)
    assert len(masks) == 4 and all(tuple(m.shape) == (64, 6) for m in masks)
    values = torch.cat([m.flatten() for m in masks])
    assert set(np.unique(values.numpy()).tolist()) <= {0.0, 2.0}
    assert 0.35 < float((values == 0).float().mean()) < 0.65
    assert not torch.equal(masks[0], masks[1])  # independent per gate
    assert cell.get_dropout_mask_for_cell(torch.ones(64, 6), True, count=4) is masks
    recurrent = cell.get_recurrent_dropout_mask_for_cell(torch.ones(64, 3), True)
    assert isinstance(recurrent, torch.Tensor)
    assert np.all(np.isclose(recurrent.numpy(), 0.0) | np.isclose(recurrent.numpy(), 4.0 / 3.0))
    cell.reset_dropout_mask()
    assert cell.get_dropout_mask_for_cell(torch.ones(64, 6), True, count=4) is not masks
    cell.reset_recurrent_dropout_mask()
    assert cell.get_recurrent_dropout_mask_for_cell(torch.ones(64, 3), True) is not recurrent


def test_dropout_masks_for_cell_inference_and_zero_rate():
    cell = keras.layers.GRUCell(3, dropout=0.5)
    ones = cell.get_dropout_mask_for_cell(torch.ones(2, 6), False)
    assert torch.equal(ones, torch.ones(2, 6))
    assert cell.get_recurrent_dropout_mask_for_cell(torch.ones(2, 3), True) is None
    with pytest.raises(ValueError, match="GRUCell.get_dropout_mask_for_cell: `count`"):
        keras.layers.GRUCell(3, dropout=0.5).get_dropout_mask_for_cell(torch.ones(2, 6), True, count=0)


def test_rnn_layer_still_runs_with_cells():
    layer = keras.layers.RNN(keras.layers.LSTMCell(4))
    out = layer(np.zeros((2, 5, 3), np.float32))
    assert tuple(out.shape) == (2, 4)
