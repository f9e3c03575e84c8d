"""EinsumDense: a dense layer whose contraction is an einsum equation, kernel stored as Keras stores it.

MultiHeadAttention builds its query/key/value/output projections from this layer, so its weight
shapes are what make `.keras` files and `get_weights()` lists cross with Keras: the kernel's axes are
the weight term of the equation, in that order, and the bias covers the output axes from the first
biased one to the end (unbiased axes in between are kept as size 1 so the bias broadcasts).
"""
import math
import re

import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.core import int8_quantization
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.lora import LoraKernelMixin

_FORMS = (
    # (pattern after "..." became "0", where the elided axes sit)
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
    (re.compile(r"^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), "left"),
    (re.compile(r"^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), "right"),
)


def parse_equation(equation, owner="EinsumDense"):
    """`"...ab,bc->...ac"` -> (input term, weight term, output term, where "..." is: None/left/right)."""
    compact = str(equation).replace(" ", "").replace("...", "0")
    for pattern, elided in _FORMS:
        match = pattern.match(compact)
        if match:
            return match.group(1), match.group(2), match.group(3), elided
    raise ValueError(
        f"{owner}: invalid einsum equation {equation!r}. Expected the form 'ab,bc->ac', "
        f"'...ab,bc->...ac' or 'ab...,bc->ac...' (one input term, one weight term, one output term)")


def analyze_equation(equation, bias_axes, input_shape, partial_output_shape, owner="EinsumDense"):
    """Kernel shape, bias shape (or None), full output shape, and which kernel axes face the input
    and which the output (those give the fans the initializer scales by)."""
    in_term, w_term, out_term, elided_side = parse_equation(equation, owner)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_term)
    if elided < 0 or (elided and elided_side is None):
        raise ValueError(f"{owner}: equation {equation!r} expects inputs of rank {len(in_term)}, "
                         f"received input shape {input_shape}")
    # The user's output_shape leaves out the batch axis and the elided axes; put them back.
    output = [input_shape[0]] + list(partial_output_shape)
    if elided_side == "left":
        output[1:1] = list(input_shape[1:elided])
    elif elided_side == "right":
        output += list(input_shape[len(input_shape) - elided:])
    offset = elided if elided_side == "left" else 0
    in_pos = {c: i + offset for i, c in enumerate(in_term)}
    out_pos = {c: i + offset for i, c in enumerate(out_term)}
    if len(output) != offset + len(out_term) + (elided if elided_side == "right" else 0):
        raise ValueError(f"{owner}: output_shape {tuple(partial_output_shape)} does not fit equation "
                         f"{equation!r} (the output term {out_term!r} has {len(out_term)} axes, batch "
                         f"included)")
    for c in out_term:
        if c not in in_term and c not in w_term:
            raise ValueError(f"{owner}: output axis {c!r} of equation {equation!r} appears in neither the "
                             f"input term {in_term!r} nor the weight term {w_term!r}")
    for c in in_term:
        if c in out_pos:
            have, want = input_shape[in_pos[c]], output[out_pos[c]]
            if want is None:
                output[out_pos[c]] = have
            elif have is not None and have != want:
                raise ValueError(f"{owner}: axis {c!r} is {have} in the input but {want} in output_shape; "
                                 f"an axis shared by input and output must keep its size")
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(w_term):
        if c in out_pos:
            size = output[out_pos[c]]
            output_axes.append(i)
        elif c in in_pos:
            size = input_shape[in_pos[c]]
            input_axes.append(i)
        else:
            raise ValueError(f"{owner}: weight axis {c!r} of equation {equation!r} appears in neither the "
                             f"input term {in_term!r} nor the output term {out_term!r}")
        if size is None:
            raise ValueError(f"{owner}: the size of weight axis {c!r} is unknown (input shape {input_shape}, "
                             f"output_shape {tuple(partial_output_shape)}); give it in output_shape")
        kernel_shape.append(int(size))
    bias_shape = None
    if bias_axes:
        missing = [c for c in bias_axes if c not in out_term]
        if missing:
            raise ValueError(f"{owner}: bias_axes {bias_axes!r} name axis {missing[0]!r}, which is not in "
                             f"the output term {out_term!r}")
        first = min(out_term.index(c) for c in bias_axes)
        bias_shape = [output[out_pos[c]] if c in bias_axes else 1 for c in out_term[first:]]
        if elided_side == "right":
            bias_shape += [1] * elided
    return tuple(kernel_shape), bias_shape and tuple(bias_shape), tuple(output), input_axes, output_axes


def _fan_aware(initializer, kernel_shape, input_axes, output_axes):
    """Variance-scaling initializers must count fans over the kernel's input and output axes (as
    Keras 3 does for EinsumDense), not by the conv rule a rank-3 kernel would otherwise get. Entries
    are independent draws, so drawing a (fan_in, fan_out) matrix and reshaping gives that."""
    if not isinstance(initializer, initializers.VarianceScaling):
        return initializer
    fan_in = math.prod(kernel_shape[i] for i in input_axes)
    fan_out = math.prod(kernel_shape[i] for i in output_axes)

    def init(shape, dtype=None):
        return initializer((fan_in, fan_out), dtype=dtype).reshape(tuple(shape))
    return init


class EinsumDense(int8_quantization.Int8KernelQuantization, LoraKernelMixin, Layer):
    """A dense projection written as an einsum, e.g. `"abc,cde->abde"` maps (batch, T, dim) to
    (batch, T, heads, head_dim) with a (dim, heads, head_dim) kernel.

    Args:
        equation: `"<input>,<kernel>-><output>"`; `...` may stand for leading or trailing axes.
        output_shape: the output's shape without the batch axis and the `...` axes; `None` entries
            are taken from the input.
        activation: applied to the result.
        bias_axes: output axes (letters) that get a bias, e.g. `"de"`; `None` for no bias.
        kernel_initializer, bias_initializer, *_regularizer, *_constraint: as in `Dense`.

    Example:
        >>> layer = EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")
        >>> layer(np.zeros((2, 5, 16), "float32")).shape   # torch.Size([2, 5, 4, 8])
    """
    # Int8QuantizationConfig's weight and activation quantizers are honoured; Keras' int8 EinsumDense keeps
    # the activation one as `inputs_quantizer` (None on float and int4 layers here).
    _custom_quantizer_modes = ("int8",)
    inputs_quantizer = None
    _int8_custom_call = False  # True when inputs_quantizer is not the default Int8Einsum already applies
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        kwargs.pop("gptq_unpacked_column_size", None)  # Keras quantization bookkeeping
        super().__init__(**kwargs)
        self._init_lora(lora_rank, lora_alpha)
        self.quantization_config = int8_quantization.accepted_config(self, quantization_config)
        parse_equation(equation, f"EinsumDense {self.name!r}")  # fail now, not at build
        self.equation = str(equation)
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self.partial_output_shape = tuple(None if d is None else int(d) for d in output_shape)
        self.bias_axes = bias_axes or None
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, self.full_output_shape, input_axes, output_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape,
            f"EinsumDense {self.name!r}")
        mode = self.dtype_policy.quantization_mode
        if mode is None:
            self.kernel = self.add_weight(
                name="kernel", shape=kernel_shape,
                initializer=_fan_aware(self.kernel_initializer, kernel_shape, input_axes, output_axes),
                regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        else:  # a quantized layer from a file: the int8/int4 kernel and its scales are loaded next
            self._quantized_kernel_build(tuple(kernel_shape), mode)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=bias_shape, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.built = True
        self._build_lora()

    def call(self, inputs):
        if getattr(self, "kernel_scale", None) is not None:
            if self._int4_layout is not None:  # weight-only int4: the dequantized kernel, as Keras
                outputs = torch.einsum(self.equation, inputs, self._int4_layout.float_kernel(self, inputs.dtype))
            else:
                if self._int8_custom_call:  # a custom (or no) inputs quantizer from the config
                    outputs = int8_quantization.Int8QuantizerEinsum.apply(inputs, self._kernel, self.kernel_scale,
                                                                          self._int8_plan, self.inputs_quantizer)
                else:
                    outputs = int8_quantization.Int8Einsum.apply(inputs, self._kernel, self.kernel_scale,
                                                                 self._int8_plan)
                if self.lora_enabled:
                    outputs = self._qlora_add(inputs, outputs)
        else:
            outputs = torch.einsum(self.equation, inputs, self.kernel.to(inputs.dtype))
        if self.bias is not None:
            outputs = outputs + self.bias.to(outputs.dtype)
        return self.activation(outputs)

    # -- int8, int4 (see int8_quantization.py, int4_quantization.py) -------------------------------
    def _int8_kernel(self, kernel):
        return int8_quantization.EinsumPlan(self.equation, f"EinsumDense {self.name!r}").quantize_kernel(kernel)

    def _int8_configured_kernel(self, kernel):
        weight_quantizer = getattr(self.quantization_config, "weight_quantizer", None)
        if weight_quantizer is None:
            return self._int8_kernel(kernel)
        plan = int8_quantization.EinsumPlan(self.equation, f"EinsumDense {self.name!r}")
        return plan.kernel_scale_by(weight_quantizer, kernel, f"EinsumDense {self.name!r}")

    def _int4_reduced_axes(self):
        """The kernel's contracted axes (its letters missing from the output), as Keras reduces them."""
        _, kernel_term, output_term, _ = parse_equation(self.equation, f"EinsumDense {self.name!r}")
        return tuple(i for i, c in enumerate(kernel_term) if c not in output_term)

    def _int8_dequantized_kernel(self):
        return self._int8_plan.float_kernel(self._kernel, self.kernel_scale)

    def _qlora_add(self, inputs, outputs):
        """QLoRA: the int8 einsum plus the scaled low-rank term. When the kernel's last axis is the
        output's last (the usual projection) the equation runs on A and the result meets B (as Keras
        computes it); otherwise the equation runs on the kernel-shaped A @ B."""
        a, b = self.lora_kernel_a, self.lora_kernel_b
        plan = self._int8_plan
        x = inputs.to(a.dtype)
        if plan.kernel_term[-1] == plan.output[-1]:
            lora = torch.matmul(torch.einsum(plan.equation, x, a), b)
        else:
            lora = torch.einsum(plan.equation, x, torch.matmul(a, b))
        return (outputs + lora * (self.lora_alpha / self.lora_rank)).to(outputs.dtype)

    def _int8_build(self, kernel_shape):
        from tkeras import quantizers
        self._int8_plan = int8_quantization.EinsumPlan(self.equation, f"EinsumDense {self.name!r}")
        self.inputs_quantizer = quantizers.QuantizationConfig.activation_quantizer_or_default(
            self.quantization_config, quantizers.AbsMaxQuantizer())
        self._int8_custom_call = not int8_quantization.is_default_inputs_quantizer(self.inputs_quantizer)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer="zeros", dtype="int8",
                                      trainable=False)
        scale_shape = self._int8_plan.kernel_scale_shape(kernel_shape)
        self.kernel_scale = self.add_weight(name="kernel_scale", shape=scale_shape, initializer="ones",
                                            trainable=False)

    def compute_output_shape(self, input_shape):
        return analyze_equation(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                f"EinsumDense {self.name!r}")[2]

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": list(self.partial_output_shape),
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": int8_quantization.serialized_config(self.quantization_config),
        })
        return self._lora_config(config)
