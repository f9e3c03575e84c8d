"""Inference plans: a convolution, its BatchNormalization, a residual Add and an activation as one call.

In inference a BatchNormalization is a per-channel affine map, so after a convolution it can be folded
into the kernel and bias; the activation and residual add after it oneDNN applies in the convolution's
own pass (backend/fused_conv.py). Run layer by layer, ResNet50 spends a fifth of its CPU time reading
and writing activations for BatchNorm, ReLU and Add; fused, those passes disappear.

A fused plan replaces a model's execution plan only for calls with training off and autograd off
(`predict`, `evaluate`, `model(x)` under `torch.no_grad()` or `torch.inference_mode()`), outside
autocast and tracers (`applies`), over layers that compute in float32. Each group still checks its
tensors (float32, on the CPU, no mask) and otherwise runs its layers one by one, as it does when
oneDNN refuses the inputs; errors then come from the layers.

A group is a Conv1D/2D or DepthwiseConv1D/2D (1-D ones lifted to 2-D, as the layers run them) with
its own activation; or one without, followed by a BatchNormalization over its channel axis, then
optionally an Add with one other tensor and an activation (Activation or ReLU). Every tensor inside a group must feed only the next layer of the
group and must not be a model output, so models that expose intermediate outputs keep them.

Folded weights are cached per group and rebuilt when a variable's identity or version counter
changes, so `set_weights`, `load_weights` or a `fit` between two predictions is seen.
"""
import torch

from tkeras import activations
from tkeras.backend import fused_conv, own_kernels
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.layers.activations.relu import ReLU
from tkeras.layers.convolutional.conv import Conv1D, Conv2D
from tkeras.layers.convolutional.depthwise_conv import BaseDepthwiseConv, DepthwiseConv1D, DepthwiseConv2D
from tkeras.layers.core.activation import Activation
from tkeras.layers.merging.elementwise import Add
from tkeras.layers.normalization.batch_normalization import BatchNormalization

# tkeras' activation functions oneDNN can apply as a post-op (sigmoid is left out: its output carries
# the logits the losses use).
_ACTIVATION_NAMES = {activations.linear: "linear", activations.relu: "relu", activations.relu6: "relu6",
                     activations.tanh: "tanh", activations.swish: "swish"}


def applies(training):
    """Whether a call may run the fused plan: training and autograd off, no autocast region (a mixed
    policy's predict runs in one; each group's layers were checked to compute in float32 when the plan
    was made), no tracer, compiler or torch.func transform watching (backend/own_kernels.py), and no
    keras.StatelessScope (its values reach the layers by swapped storage, which the folded weights'
    cache key would not notice)."""
    return not (training or torch.is_grad_enabled() or torch.is_autocast_enabled("cpu")
                or own_kernels.standard_ops_required() or active_stateless_scope() is not None)


def _activation_name(function):
    try:
        return _ACTIVATION_NAMES.get(function)
    except TypeError:  # an unhashable callable object
        return None


class ConvGroup:
    """One fused step: `activation(bn(conv(x)) [+ other])`, with the layers kept for the fallback."""

    def __init__(self, conv, batch_norm=None, add=None, conv_first_in_add=True, activation_layer=None,
                 activation="linear"):
        self.conv, self.batch_norm, self.add, self.activation_layer = conv, batch_norm, add, activation_layer
        self.conv_first_in_add = conv_first_in_add
        self.activation = activation
        self.depthwise = isinstance(conv, BaseDepthwiseConv)
        self.broken = False
        self._key = self._weights = None

    def __call__(self, x, other=None):
        if self.broken or not _plain_cpu_float(x) or (other is not None and not _plain_cpu_float(other)):
            return self.run_layers(x, other)
        conv = self.conv
        if conv.input_spec is not None:
            conv._check_input_spec(x)
        try:
            weight, bias = self._folded_weights()
            lifted, padding = conv._pad_for(conv._to_channels_first(x))
            residual = None if other is None else conv._to_channels_first(other)
            groups = lifted.shape[1] if self.depthwise else conv.groups
            out = fused_conv.conv2d(lifted, weight, bias, conv._torch_strides, padding, conv._torch_dilation,
                                    groups, self.activation, residual)
        except RuntimeError:
            self.broken = True  # oneDNN refused (another build, an odd shape): the layers decide
            return self.run_layers(x, other)
        return conv._from_channels_first(out)

    def run_layers(self, x, other=None):
        out = self.conv(x)
        if self.batch_norm is not None:
            out = self.batch_norm(out)
        if self.add is not None:
            out = self.add([out, other] if self.conv_first_in_add else [other, out])
        if self.activation_layer is not None:
            out = self.activation_layer(out)
        return out

    def _sources(self):
        conv, bn = self.conv, self.batch_norm
        if self.depthwise:
            sources = [conv.depthwise_kernel, conv.bias]
        elif getattr(conv, "lora_enabled", False):  # `kernel` is computed afresh: key on what it is made of
            sources = [conv.__dict__["_kernel"], conv.lora_kernel_a, conv.lora_kernel_b, conv.bias]
        else:
            sources = [conv.kernel, conv.bias]
        if bn is not None:
            sources += [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]
        return sources

    def _folded_weights(self):
        sources = self._sources()
        key = tuple((id(v), v._version) if v is not None else None for v in sources)
        if key != self._key:
            self._weights = self._fold()
            self._key = key
        return self._weights

    def _fold(self):
        conv, bn = self.conv, self.batch_norm
        with torch.no_grad():
            weight = (conv._depthwise_weight() if self.depthwise else conv._torch_kernel()).detach()
            bias = conv.bias.detach() if conv.bias is not None else None
            if bn is None:
                return weight.contiguous(), bias
            scale = torch.rsqrt(bn.moving_variance.detach() + bn.epsilon)
            if bn.gamma is not None:
                scale = scale * bn.gamma.detach()
            shift = -bn.moving_mean.detach() * scale
            if bias is not None:
                shift = shift + bias * scale
            if bn.beta is not None:
                shift = shift + bn.beta.detach()
            folded = weight * scale.reshape(-1, *([1] * (weight.dim() - 1)))
            return folded.contiguous(), shift.reshape(-1).contiguous()  # (ghost-batch weights are (1, .., C))


def _plain_cpu_float(tensor):
    return (isinstance(tensor, torch.Tensor) and tensor.dtype == torch.float32 and tensor.device.type == "cpu"
            and getattr(tensor, "_keras_mask", None) is None)


# -- finding the groups in a plan -------------------------------------------------------------------
def fused_plan(plan, readers, output_slots):
    """`plan` (steps as functional.py lays them out: layer, args, kwargs, simple input slot, output slots)
    with its fusable groups as single steps, or None when nothing fuses. `readers`: slot -> indices of
    the steps reading it; `output_slots`: the slots the model returns."""
    if not fused_conv.available():
        return None

    replacements, removed = {}, set()

    def sole_reader(slot):
        """The one step reading `slot`, unless the model returns it or another group took that step."""
        users = readers.get(slot, ())
        return users[0] if len(users) == 1 and slot not in output_slots and users[0] not in removed else None

    for index in range(len(plan)):
        found = None if index in removed else _group_from(plan, index, sole_reader)
        if found is not None:
            group, members, args, simple, out_slot = found
            removed.update(members)
            replacements[members[-1]] = (group, args, {}, simple, [out_slot])
    if not replacements:
        return None
    return [replacements.get(i, step) for i, step in enumerate(plan) if i in replacements or i not in removed]


def _group_from(plan, index, sole_reader):
    """The group starting at the convolution of step `index`: (group, member steps, args, simple, slot)."""
    conv, args, kwargs, in_slot, outs = plan[index]
    if in_slot is None or kwargs or len(outs) != 1 or not _fusable_conv(conv):
        return None
    activation, slot = _activation_name(conv.activation), outs[0]
    if activation != "linear":
        return ConvGroup(conv, activation=activation), [index], args, in_slot, slot
    reader = sole_reader(slot)
    if reader is None or not _normalizes_channels(plan[reader], slot, conv):
        return None  # a bare convolution: nothing to gain
    batch_norm, members, slot = plan[reader][0], [index, reader], plan[reader][4][0]
    add = other = activation_layer = None
    conv_first = True
    reader = sole_reader(slot)
    if reader is not None and _adds_one_other(plan[reader], slot):
        add, operands = plan[reader][0], plan[reader][1][0]
        conv_first = operands[0].index == slot
        other = operands[1] if conv_first else operands[0]
        members.append(reader)
        slot = plan[reader][4][0]
        reader = sole_reader(slot)
    name = None if reader is None else _activation_of(plan[reader], slot)
    if name is not None and (add is None or name in fused_conv.POST_OPS_AFTER_ADD):
        activation_layer, activation = plan[reader][0], name
        members.append(reader)
        slot = plan[reader][4][0]
    group = ConvGroup(conv, batch_norm, add, conv_first, activation_layer, activation)
    if other is None:
        return group, members, args, in_slot, slot
    return group, members, [args[0], other], None, slot


def _plain_layer(layer):
    """Nothing in the layer that a fused call would skip: a float32 policy, no activity regularizer,
    no rematerialization scope."""
    return (layer.compute_dtype == "float32" and layer.activity_regularizer is None
            and "_remat_scope" not in layer.__dict__)


def _fusable_conv(layer):
    return (type(layer) in (Conv1D, Conv2D, DepthwiseConv1D, DepthwiseConv2D)
            and _activation_name(layer.activation) is not None and _plain_layer(layer))


def _simple_call_on(step, slot):
    layer, _, kwargs, simple, outs = step
    return simple == slot and len(outs) == 1 and not kwargs and _plain_layer(layer)


def _normalizes_channels(step, slot, conv):
    """A BatchNormalization over the convolution's channel axis, called on its output alone."""
    layer = step[0]
    if type(layer) is not BatchNormalization or not _simple_call_on(step, slot):
        return False
    axes = layer.axis if isinstance(layer.axis, list) else [layer.axis]
    ndim = conv.rank + 2
    channel_axis = ndim - 1 if conv.data_format == "channels_last" else 1
    return [a % ndim for a in axes] == [channel_axis]


def _adds_one_other(step, slot):
    """An Add of the group's tensor and one other tensor."""
    layer, args, kwargs, _, outs = step
    if type(layer) is not Add or kwargs or len(outs) != 1 or len(args) != 1 or not _plain_layer(layer):
        return False
    operands = args[0]
    return (isinstance(operands, (list, tuple)) and len(operands) == 2
            and all(hasattr(o, "index") for o in operands)
            and sorted([operands[0].index == slot, operands[1].index == slot]) == [False, True])


def _activation_of(step, slot):
    """The post-op name of an Activation or ReLU layer called on `slot`, or None."""
    layer = step[0]
    if not _simple_call_on(step, slot):
        return None
    if type(layer) is Activation:
        return _activation_name(layer.activation)
    if type(layer) is ReLU and layer.negative_slope == 0.0 and layer.threshold == 0.0:
        return {None: "relu", 6.0: "relu6"}.get(layer.max_value)
    return None
