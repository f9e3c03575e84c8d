"""The fast path: a whole sequence through one of PyTorch's fused recurrent kernels.

The layers keep their weights in Keras' layout (`kernel` (input_dim, gates*units), gate order of
Keras) so that weight files cross between Keras and tkeras. torch's kernels (`_VF.lstm`, `_VF.gru`,
`_VF.rnn_tanh`/`rnn_relu`: oneDNN on CPU, cuDNN on GPU) want (gates*units, input_dim) matrices in
torch's gate order. The conversion is a handful of transposes/reorders per forward, not per step,
and autograd carries the gradients back to the Keras-layout variables. On the CPU a SimpleRNN runs
`_simple_recurrence` instead of torch's kernel (also Bidirectional, and with tanh padded batches), and
a GRU being trained `_gru_recurrence` (also Bidirectional). LSTM keeps torch's kernel, which on the CPU
is oneDNN's fused LSTM: the same hand-written approach (one sigmoid over all four gates, tanh through
sigmoid, whole-sequence products) measured 1.3-1.5x its time for forward+backward and 1.4-2.5x for
the forward alone at the seed models' shapes (2 threads; 1.04-1.3x with one), its step being one
product and one fused element-wise pass where torch's element-wise calls cost a few microseconds each.

Masks are handled when they can be expressed as sequence lengths, which covers padded batches:
- every step valid: the plain kernel;
- right padding (valid prefix): a packed sequence, torch then stops each row at its length, which is
  exactly Keras' "a masked step leaves the state alone";
- left padding (valid suffix, `pad_sequences`' default `padding='pre'`): leading masked steps leave
  the state at its initial value and output zeros in Keras, so each row is rotated to put its valid
  suffix first, run packed, and rotated back (the rotated-in positions are the packed zeros).
Any other mask (holes in the middle, an all-masked row) returns None and the caller runs the
per-step loop.
"""
import warnings

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from tkeras.layers.rnn import _gru_recurrence, _simple_recurrence

_PERMUTATIONS = {}

# cuDNN wants the weights in one flat buffer and compacts them itself otherwise; here they are made
# from the Keras-layout variables on every call anyway, so its advice (flatten_parameters) does not apply.
warnings.filterwarnings("ignore", message="RNN module weights are not part of single contiguous chunk")


def _for_kernel(weights):
    """CPU kernels take the transposed views as they are; cuDNN needs contiguous matrices."""
    if weights[0].device.type == "cpu":
        return weights
    return [w.contiguous() for w in weights]


def _gru_permutation(units, device):
    """Column order that turns Keras' GRU gates (z, r, h) into torch's (r, z, n)."""
    key = (units, device)
    perm = _PERMUTATIONS.get(key)
    if perm is None:
        perm = torch.cat([torch.arange(units, 2 * units), torch.arange(0, units),
                          torch.arange(2 * units, 3 * units)]).to(device)
        _PERMUTATIONS[key] = perm
    return perm


def lstm_weights(kernel, recurrent_kernel, bias):
    """Keras LSTM gates are (i, f, c, o), torch's (i, f, g, o): only transposes are needed."""
    weights = [kernel.t(), recurrent_kernel.t()]
    if bias is not None:
        weights += [bias, torch.zeros_like(bias)]
    return weights


def simple_rnn_weights(kernel, recurrent_kernel, bias):
    weights = [kernel.t(), recurrent_kernel.t()]
    if bias is not None:
        weights += [bias, torch.zeros_like(bias)]
    return weights


def gru_weights(kernel, recurrent_kernel, bias):
    """Keras' reset_after=True GRU is torch's GRU up to the gate order; bias row 0 is the input
    bias, row 1 the recurrent bias (torch's b_ih and b_hh)."""
    units = recurrent_kernel.shape[0]
    perm = _gru_permutation(units, kernel.device)
    weights = [kernel.index_select(1, perm).t(), recurrent_kernel.index_select(1, perm).t()]
    if bias is not None:
        weights += [bias[0].index_select(0, perm), bias[1].index_select(0, perm)]
    return weights


def _own_recurrence(mode, x, weights, batch_sizes):
    """tkeras' CPU recurrence for this call, `run(x, h0, weights)`, or None for torch's kernel.

    SimpleRNN always; GRU only when a gradient will be taken: its gain is in the backward (torch's
    runs two products and a concatenation per step), while forward-only calls (predict) are as fast or
    faster in torch's kernel.
    """
    if _simple_recurrence.handles(mode, x, weights, batch_sizes):
        return lambda x, h0, weights: _simple_recurrence.run(mode, x, h0, weights)
    if (_gru_recurrence.handles(mode, x, weights, batch_sizes) and torch.is_grad_enabled()
            and (x.requires_grad or any(w.requires_grad for w in weights))):
        return _gru_recurrence.run
    return None


def _kernel_call(mode, x, states, weights, batch_sizes=None, bidirectional=False):
    """One call of torch's kernel; `x` batch-first, or packed data when batch_sizes is given.

    `states` are (directions, batch, units) tensors; so are the returned final states.
    """
    if mode == "lstm" and _float16_on_cpu(x):
        return _float32_lstm(x, states, weights, batch_sizes, bidirectional)
    recurrence = _own_recurrence(mode, x, weights, batch_sizes)
    if recurrence is not None:
        if not bidirectional:
            out, last = recurrence(x, states[0][0], weights)
            return out, [last.unsqueeze(0)]
        # Both directions as torch's kernel lays them out: the backward one runs over the reversed
        # sequence, its outputs put back in time order next to the forward ones.
        half = len(weights) // 2
        out, last = recurrence(x, states[0][0], weights[:half])
        out_back, last_back = recurrence(x.flip(1), states[0][1], weights[half:])
        return torch.cat([out, out_back.flip(1)], -1), [torch.stack([last, last_back])]
    has_biases = len(weights) == (8 if bidirectional else 4)
    weights = _for_kernel(weights)
    # The kernels' `train` flag only gates their inter-layer dropout (none here), but cuDNN keeps the
    # buffers its backward needs only in training mode, and oneDNN picks its kernel by it too.
    train = torch.is_grad_enabled()
    if mode == "lstm":
        hx = (states[0], states[1])
        if batch_sizes is None:
            out, h, c = torch._VF.lstm(x, hx, weights, has_biases, 1, 0.0, train, bidirectional, True)
        else:
            out, h, c = torch._VF.lstm(x, batch_sizes, hx, weights, has_biases, 1, 0.0, train, bidirectional)
        return out, [h, c]
    fn = {"gru": torch._VF.gru, "rnn_tanh": torch._VF.rnn_tanh, "rnn_relu": torch._VF.rnn_relu}[mode]
    if batch_sizes is None:
        out, h = fn(x, states[0], weights, has_biases, 1, 0.0, train, bidirectional, True)
    else:
        out, h = fn(x, batch_sizes, states[0], weights, has_biases, 1, 0.0, train, bidirectional)
    return out, [h]


def _float16_on_cpu(x):
    if x.device.type != "cpu":
        return False
    return x.dtype == torch.float16 or (torch.is_autocast_enabled("cpu")
                                        and torch.get_autocast_dtype("cpu") == torch.float16)


def _float32_lstm(x, states, weights, batch_sizes, bidirectional):
    """oneDNN has no float16 LSTM (mixed_float16 on a CPU): run it in float32, hand back float16."""
    with torch.autocast("cpu", enabled=False):
        out, final = _kernel_call("lstm", x.float(), [s.float() for s in states], [w.float() for w in weights],
                                  batch_sizes, bidirectional)
    return out.to(torch.float16), [f.to(torch.float16) for f in final]


def _packed_call(mode, sequences, lengths, states, weights, bidirectional, want_outputs):
    """The kernel over a right-padded batch packed by `lengths`; outputs padded back with zeros."""
    if mode == "rnn_tanh" and not bidirectional and _simple_recurrence.handles(mode, sequences, weights, None):
        return _padded_recurrence(sequences, lengths, states, weights, want_outputs)
    packed = pack_padded_sequence(sequences, lengths, batch_first=True, enforce_sorted=False)
    order, restore = packed.sorted_indices, packed.unsorted_indices
    sorted_states = [s.index_select(1, order) for s in states]
    out_data, new_states = _kernel_call(mode, packed.data, sorted_states, weights, packed.batch_sizes,
                                        bidirectional)
    new_states = [s.index_select(1, restore) for s in new_states]
    outputs = None
    if want_outputs:
        padded = type(packed)(out_data, packed.batch_sizes, order, restore)
        outputs, _ = pad_packed_sequence(padded, batch_first=True, total_length=sequences.shape[1])
    return outputs, new_states


def _padded_recurrence(sequences, lengths, states, weights, want_outputs):
    """What `_packed_call` returns, from the SimpleRNN recurrence run over the whole padded batch.

    A row's steps depend only on its own earlier steps, so also running its padding changes none of
    its valid steps: each row's final state is read at its last valid step, and the padding's outputs
    are zeros, as the packed kernel's. The padding's inputs are zeroed first, so that whatever they
    held (a Masking layer's NaN...) stays out of the arithmetic; tanh keeps those states bounded, and
    they receive no gradient. (relu could overflow there, so it keeps the packed kernel.)
    """
    lengths = lengths.to(sequences.device)
    steps = sequences.shape[1]
    valid = (torch.arange(steps, device=sequences.device)[None, :] < lengths[:, None])[..., None]
    sequences = torch.where(valid, sequences, torch.zeros((), dtype=sequences.dtype, device=sequences.device))
    out, _ = _simple_recurrence.run("rnn_tanh", sequences, states[0][0], weights)
    final = out[torch.arange(out.shape[0], device=out.device), lengths - 1]
    outputs = torch.where(valid, out, torch.zeros((), dtype=out.dtype, device=out.device)) if want_outputs else None
    return outputs, [final.unsqueeze(0)]


def _mask_layout(mask):
    """Classify a (batch, time) boolean mask: ('all'|'prefix'|'suffix'|None, lengths on the host).

    One small host transfer: packing needs the lengths on the CPU anyway.
    """
    batch, steps = mask.shape
    lengths = mask.sum(1)
    positions = torch.arange(steps, device=mask.device)
    prefix = (mask == (positions < lengths[:, None])).all()
    suffix = (mask == (positions >= (steps - lengths)[:, None])).all()
    summary = torch.cat([lengths, torch.stack([prefix, suffix]).to(lengths.dtype)]).cpu()
    lengths_cpu, flags = summary[:batch], summary[batch:].tolist()
    if int(lengths_cpu.min()) == 0:
        return None, lengths_cpu
    if int(lengths_cpu.min()) == steps:
        return "all", lengths_cpu
    if flags[0]:
        return "prefix", lengths_cpu
    if flags[1]:
        return "suffix", lengths_cpu
    return None, lengths_cpu


def _rotate(x, shifts):
    """Row b of a (batch, time, ...) tensor rotated left by shifts[b] steps."""
    steps = x.shape[1]
    index = (torch.arange(steps, device=x.device)[None, :] + shifts[:, None]) % steps
    index = index.reshape(index.shape + (1,) * (x.dim() - 2)).expand_as(x)
    return x.gather(1, index)


def run(mode, sequences, states, weights, mask=None, return_sequences=False, zero_output_for_mask=False):
    """Run a (batch, time, features) sequence, already in processing order (go_backwards flipped).

    Returns (last_output, outputs or None, final_states), with Keras' masking semantics, or None when
    the mask is not expressible as lengths.
    """
    layout, lengths = _mask_layout(mask.bool()) if mask is not None else ("all", None)
    if layout is None:
        return None
    states = [s.unsqueeze(0) for s in states]
    if layout == "all":
        out, new_states = _kernel_call(mode, sequences, states, weights)
        new_states = [s[0] for s in new_states]
        # the final hidden state is the last output; taking it (not out[:, -1]) spares the backward
        # a (batch, time, units) gradient that is zero but for one step
        return new_states[0], (out if return_sequences else None), new_states

    steps = sequences.shape[1]
    device_lengths = lengths.to(sequences.device)
    if layout == "suffix":
        shifts = steps - device_lengths
        sequences = _rotate(sequences, shifts)
    outputs, new_states = _packed_call(mode, sequences, lengths, states, weights, False, return_sequences)
    new_states = [s[0] for s in new_states]
    last_output = new_states[0]  # every kernel here outputs its first state: the last valid output
    if layout == "prefix" and zero_output_for_mask:
        last_output = torch.where((device_lengths == steps)[:, None], last_output, torch.zeros_like(last_output))
    if not return_sequences:
        return last_output, None, new_states
    if layout == "suffix":
        outputs = _rotate(outputs, -shifts)  # valid outputs back at the end, zeros in front
    elif not zero_output_for_mask:
        # Keras repeats the last valid output over the masked tail.
        index = torch.minimum(torch.arange(steps, device=outputs.device)[None, :], (device_lengths - 1)[:, None])
        outputs = outputs.gather(1, index[:, :, None].expand_as(outputs))
    return last_output, outputs, new_states


def run_bidirectional(mode, sequences, forward_states, backward_states, weights, mask=None,
                      return_sequences=False):
    """Both directions of a Bidirectional layer in one kernel call (sequences in time order).

    Keras' Bidirectional zeroes the outputs of masked steps (when returning sequences) and takes the
    last valid output of each direction otherwise; with lengths from a padded mask, torch's reverse
    direction starts at each row's last valid step, which is what Keras' backward layer computes.
    Returns (forward outputs, backward outputs in time order, forward states, backward states) or
    None for a mask that is not padding.
    """
    layout, lengths = _mask_layout(mask.bool()) if mask is not None else ("all", None)
    if layout is None:
        return None
    states = [torch.stack([f, b]) for f, b in zip(forward_states, backward_states)]
    if layout == "all":
        outputs, new_states = _kernel_call(mode, sequences, states, weights, bidirectional=True)
    else:
        steps = sequences.shape[1]
        shifts = None
        if layout == "suffix":
            shifts = steps - lengths.to(sequences.device)
            sequences = _rotate(sequences, shifts)
        outputs, new_states = _packed_call(mode, sequences, lengths, states, weights, True, return_sequences)
        if shifts is not None and outputs is not None:
            outputs = _rotate(outputs, -shifts)
    forward_new = [s[0] for s in new_states]
    backward_new = [s[1] for s in new_states]
    if return_sequences:
        y, y_rev = outputs.chunk(2, dim=-1)
    else:
        y, y_rev = forward_new[0], backward_new[0]
    return y, y_rev, forward_new, backward_new
