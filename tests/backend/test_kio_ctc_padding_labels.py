"""CTC labels beyond the classes: tf-keras 2's `K.ctc_batch_cost` ends a label sequence at the first label
>= num_classes - 1 (keras-io's handwriting OCR pads with 99), and `ops.ctc_loss` refuses labels outside
the classes instead of letting torch's kernel read past its input (garbage losses or a crash).

Reference losses recorded from tf-keras by tests/fixtures/make_kio_ctc_padding_reference.py.
"""
import json
import os

import numpy as np
import pytest
import torch

from tkeras import backend as K
from tkeras import ops

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_ctc_padding_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


@pytest.mark.parametrize("case", ["plain", "padded_99", "padded_blank", "padded_7"])
def test_ctc_batch_cost_matches_tf_keras(reference, case):
    y_pred = torch.softmax(torch.tensor(reference["logits"]), dim=-1)
    labels = np.array(reference["labels"][case], "float32")
    loss = K.ctc_batch_cost(labels, y_pred, np.array([[10], [10]]), np.array([[3], [3]]))
    np.testing.assert_allclose(np.asarray(loss).ravel(), reference["losses"][case], rtol=1e-5)


def test_ctc_batch_cost_refuses_a_label_after_padding():
    y_pred = torch.softmax(torch.zeros(1, 6, 4), dim=-1)
    with pytest.raises(ValueError, match="after a label >= num_classes - 1"):
        K.ctc_batch_cost(np.array([[1.0, 3.0, 2.0]]), y_pred, np.array([[6]]), np.array([[3]]))


def test_ops_ctc_loss_refuses_labels_outside_the_classes():
    logits = np.zeros((1, 6, 4), "float32")
    with pytest.raises(ValueError, match=r"class indices in \[0, 4\)"):
        ops.ctc_loss(np.array([[1, 99]]), logits, np.array([2]), np.array([6]))
    loss = ops.ctc_loss(np.array([[1, 99]]), logits, np.array([1]), np.array([6]))  # 99 beyond the length
    assert np.isfinite(np.asarray(loss)).all()
