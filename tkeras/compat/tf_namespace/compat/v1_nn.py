"""`tf.compat.v1.nn`: TensorFlow 1's `nn` names where they differ from TensorFlow 2's, `tf.nn` otherwise.

TensorFlow 1's `ctc_loss` is its own function: labels first and always sparse, logits called `inputs`,
lengths called `sequence_length`, and the blank is the *last* class (`num_classes - 1`), where TF 2's
dense form defaults it to class 0. Code written for Keras 2's `K.ctc_batch_cost` (keras-io's captcha
OCR among it) calls it by those keywords.
"""
import torch

from tkeras.compat.tf_namespace._nn_ctc import ctc_loss as _ctc_loss_v2
from tkeras.compat.tf_namespace._nn_ctc import collapse_repeated
from tkeras.compat.tf_namespace.sparse import SparseTensor
from tkeras.ops.core import tensor, user_op


@user_op
def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, time_major=True, logits=None):
    """The negative log-likelihood of each example's label sequence, shape `[batch]`."""
    inputs = logits if inputs is None else inputs
    if inputs is None or sequence_length is None:
        raise ValueError("tf.compat.v1.nn.ctc_loss needs `inputs` (the logits) and `sequence_length`")
    if not isinstance(labels, SparseTensor):
        raise TypeError(f"tf.compat.v1.nn.ctc_loss: `labels` must be a tf.SparseTensor (TensorFlow 1 takes "
                        f"sparse labels only), received {type(labels).__name__}")
    if not ctc_merge_repeated:
        raise NotImplementedError("tf.compat.v1.nn.ctc_loss: ctc_merge_repeated=False is not supported")
    inputs = tensor(inputs)
    blank = inputs.shape[-1] - 1
    if preprocess_collapse_repeated:
        from tkeras.compat.tf_namespace._nn_ctc import _dense_labels
        dense, lengths = _dense_labels(labels)
        dense, lengths = collapse_repeated(dense, lengths)
        loss = _ctc_loss_v2(dense, inputs, lengths, sequence_length, logits_time_major=time_major,
                            blank_index=blank)
    else:
        loss = _ctc_loss_v2(labels, inputs, None, sequence_length, logits_time_major=time_major,
                            blank_index=blank)
    loss = tensor(loss)
    if ignore_longer_outputs_than_inputs:  # infeasible examples give 0, as TensorFlow skips them
        loss = torch.where(torch.isinf(loss), torch.zeros_like(loss), loss)
    return loss


def __getattr__(name):
    from tkeras.compat.tf_namespace import nn
    return getattr(nn, name)
