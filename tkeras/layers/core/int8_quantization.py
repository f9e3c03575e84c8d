"""Keras 3's int8 mode of Dense and EinsumDense (`layer.quantize("int8")`), kept out of the layers.

The float kernel becomes an int8 kernel plus a float scale per output channel (abs-max: the largest
magnitude along the reduced axes maps to 127), stored as Keras stores them (`kernel` int8, `bias`,
`kernel_scale`, in that order in the file). At call time the inputs are quantized the same way per
row (per token), the int8 products are summed, and the sum is divided by both scales, so outputs
stay within the int8 rounding error of the float layer. The backward pass, as Keras', sends
gradients to the inputs through the dequantized kernel; the int8 kernel itself is frozen.

Dense multiplies the int8 matrices with torch's int8 kernel (`torch._int_mm`, int32 sums: on the CPU
for any shape, on CUDA when its size limits allow). Where it cannot (CUDA's limits, EinsumDense: torch
has no int8 einsum) the integer values are multiplied in float32, which is exact while
`reduced size * 127 * 127 < 2 ** 24` (about 1,000 input features) and within float32 rounding beyond.

`quantize("int4")` goes through the same mixin (checks, swap of the float kernel, file order) and hands
the int4 format and maths to int4_quantization.py.
"""
import torch

from tkeras.layers.core import int4_quantization
from tkeras.ops.core import tensor

_EPSILON = 1e-7  # Keras' backend.epsilon(): the abs-max scale's guard against an all-zero channel
_LIMIT = 127.0


def quantize(values, reduce_dims):
    """(int8 values, float scale with the reduced dims kept as 1): values * scale rounded into [-127, 127]."""
    amax = torch.amax(torch.abs(values), dim=reduce_dims, keepdim=True)
    scale = (_LIMIT / (amax + _EPSILON)).to(values.dtype)
    return torch.clamp(torch.round(values * scale), -_LIMIT, _LIMIT).to(torch.int8), scale


def _int8_matmul(left, right):
    """int8 (…, k) @ int8 (k, n) -> float32 sums, on torch's int8 kernel where it has one."""
    rows = left.reshape(-1, left.shape[-1])
    on_cpu = left.device.type == "cpu"
    cuda_fits = left.is_cuda and rows.shape[0] > 16 and rows.shape[1] % 8 == 0 and right.shape[-1] % 8 == 0
    if on_cpu or cuda_fits:
        sums = torch._int_mm(rows.contiguous(), right.contiguous()).to(torch.float32)
        return sums.reshape(*left.shape[:-1], right.shape[-1])
    return torch.matmul(left.to(torch.float32), right.to(torch.float32))


class Int8Matmul(torch.autograd.Function):
    """inputs (…, k) @ the int8 kernel (k, n) with per-column `kernel_scale` (n,)."""

    @staticmethod
    def forward(ctx, inputs, kernel, kernel_scale):
        ctx.save_for_backward(kernel, kernel_scale)
        ctx.input_dtype = inputs.dtype
        inputs_q, inputs_scale = quantize(inputs.to(torch.float32), -1)
        sums = _int8_matmul(inputs_q, kernel)
        return (sums / (inputs_scale * kernel_scale.to(torch.float32))).to(inputs.dtype)

    @staticmethod
    def backward(ctx, upstream):
        kernel, kernel_scale = ctx.saved_tensors
        float_kernel = kernel.to(upstream.dtype) / kernel_scale.to(upstream.dtype)
        return torch.matmul(upstream, float_kernel.transpose(0, 1)).to(ctx.input_dtype), None, None


class Int8QuantizerMatmul(Int8Matmul):
    """As Int8Matmul, with the layer's own `inputs_quantizer` (a custom Quantizer, or None for weight-only
    int8: the float inputs meet the int8 kernel directly); the backward pass is the same."""

    @staticmethod
    def forward(ctx, inputs, kernel, kernel_scale, inputs_quantizer):
        ctx.save_for_backward(kernel, kernel_scale)
        ctx.input_dtype = inputs.dtype
        output_scale = kernel_scale
        if inputs_quantizer is None:
            sums = torch.matmul(inputs, kernel.to(inputs.dtype))
        else:
            quantized, inputs_scale = inputs_quantizer(inputs, axis=-1)
            output_scale = output_scale * torch.as_tensor(inputs_scale)
            sums = torch.matmul(torch.as_tensor(quantized).to(torch.float32), kernel.to(torch.float32))
        return (sums.to(inputs.dtype) / output_scale).to(inputs.dtype)

    @staticmethod
    def backward(ctx, upstream):
        return Int8Matmul.backward(ctx, upstream) + (None,)


def is_default_inputs_quantizer(quantizer):
    """Whether `quantizer` does what Int8Matmul's own input quantization does (abs-max onto [-127, 127]
    per row), so the layer may keep that faster path."""
    from tkeras import quantizers
    return (type(quantizer) is quantizers.AbsMaxQuantizer and tuple(quantizer.value_range) == (-127, 127)
            and quantizer.epsilon == _EPSILON and quantizer.output_dtype == "int8")


class Int8KernelQuantization:
    """`quantize("int8")` for a layer with one float `kernel` (Dense, EinsumDense; listed before Layer in
    the bases). The layer says how its kernel quantizes (`_int8_kernel`: int8 values and the scale) and
    builds the int8 variables (`_int8_build`); the checks, the swap of the float kernel for the int8 one
    and the file order are the same for both."""

    _int4_layout = None  # an int4_quantization.Int4Layout once the kernel is int4
    # The modes in which the config's own weight/activation quantizers are run (Dense: int8 and int4,
    # EinsumDense: int8); elsewhere only the default quantizers are accepted.
    _custom_quantizer_modes = ()

    def _quantizable_class(self):
        """The class quantize() is written for: the one that lists this mixin among its bases."""
        return next(c for c in type(self).__mro__ if Int8KernelQuantization in c.__bases__)

    def quantize(self, mode=None, type_check=True, config=None):
        """Replace the float kernel by an int8 kernel and a `kernel_scale` per output channel, as Keras 3."""
        mode = checked_request(self, self._quantizable_class(), mode, type_check, config)
        if mode == "int4":
            return self._quantize_int4(config)
        from tkeras import quantizers
        # As Keras, no config means the default one, which the layer's config then records.
        config = quantizers.Int8QuantizationConfig() if config is None else config
        self.quantization_config = accepted_config(self, config, "int8")
        # With LoRA already on, the frozen float kernel is quantized (as Keras does) and A, B stay on top.
        float_kernel = self.__dict__.get("_kernel")
        float_kernel = self.kernel if float_kernel is None else float_kernel
        with torch.no_grad():
            values, scale = self._int8_configured_kernel(float_kernel.detach())
        self._drop_float_kernel(float_kernel)
        self._int8_build(tuple(values.shape))
        self._kernel.assign(values)
        self.kernel_scale.assign(scale)
        self.dtype_policy = quantized_policy(self, mode)

    def _int8_configured_kernel(self, kernel):
        """The int8 kernel and scale quantize() stores: by the config's weight quantizer where the layer
        takes one (Dense), else the layer's abs-max default."""
        return self._int8_kernel(kernel)

    def quantized_build(self, kernel_shape, mode, config=None):
        """Make the int8 kernel (of `kernel_shape`) and its `kernel_scale`, as a quantized layer read from
        a file has them (the float kernel must be gone: `quantize()` does both steps)."""
        check_mode(self, mode)
        stored = self.__dict__.get("_kernel")
        if stored is not None and stored.dtype.is_floating_point:
            raise ValueError(f"{type(self).__name__} {self.name!r} still has its float kernel; quantize() "
                             f"replaces it, quantized_build() only makes the int8 variables")
        self.quantization_config = accepted_config(self, config, mode)
        self._quantized_kernel_build(tuple(kernel_shape), mode)

    def _quantized_kernel_build(self, kernel_shape, mode):
        """The quantized kernel's variables for `mode` (from build(), when the policy is quantized)."""
        check_mode(self, mode)
        if mode == "int4":
            if "int4" in self._custom_quantizer_modes:  # as Keras, int4's inputs quantizer is the config's only
                self.inputs_quantizer = getattr(self.quantization_config, "activation_quantizer", None)
            block_size = int4_quantization.block_size_for(self, self.quantization_config)
            self._int4_layout = int4_quantization.Int4Layout(kernel_shape, self._int4_reduced_axes(), block_size)
            self._int4_layout.build(self)
        else:
            self._int8_build(kernel_shape)

    def _quantize_int4(self, config):
        """quantize("int4"): as Keras, no config means `Int4QuantizationConfig()` (groups of 128 rows)."""
        from tkeras import quantizers
        if self.lora_enabled:
            raise NotImplementedError(f"{type(self).__name__} {self.name!r}: quantize('int4') with LoRA enabled "
                                      f"is not supported by tkeras (int8 is)")
        config = quantizers.Int4QuantizationConfig() if config is None else config
        self.quantization_config = accepted_config(self, config, "int4")
        float_kernel = self.kernel
        block_size = int4_quantization.block_size_for(self, self.quantization_config)
        layout = int4_quantization.Int4Layout(tuple(float_kernel.shape), self._int4_reduced_axes(), block_size)
        weight_quantizer = None
        if "int4" in self._custom_quantizer_modes:
            weight_quantizer = self.quantization_config.weight_quantizer
            self.inputs_quantizer = self.quantization_config.activation_quantizer
        with torch.no_grad():
            values = layout.quantized_values(float_kernel.detach(), weight_quantizer)
        self._drop_float_kernel(float_kernel)
        self._int4_layout = layout
        layout.build(self)
        for name, value in values.items():
            getattr(self, "_int4_kernel" if name == "kernel" else name).assign(value)
        from tkeras import dtype_policies
        self.dtype_policy = dtype_policies.get(f"int4/{layout.policy_block_size}_from_{self.dtype_policy.name}")

    def _drop_float_kernel(self, float_kernel):
        """Forget the float kernel (weights list, torch registration, the `kernel` slot) so the quantized
        kernel takes its name; found by identity, whatever key torch registered it under."""
        self._own_weights = [w for w in self._own_weights if w is not float_kernel]
        for key, value in list(self._parameters.items()):
            if value is float_kernel:
                del self._parameters[key]
        self.__dict__.pop("_kernel", None)

    def enable_lora(self, *args, **kwargs):
        if self._int4_layout is not None:
            raise NotImplementedError(f"{type(self).__name__} {self.name!r}: LoRA on an int4-quantized layer is "
                                      f"not supported by tkeras (on int8 it is)")
        return super().enable_lora(*args, **kwargs)

    def _own_variables_in_file_order(self):
        if getattr(self, "kernel_scale", None) is None:
            return super()._own_variables_in_file_order()
        bias = [self.bias] if self.bias is not None else []
        if self._int4_layout is not None:
            return [self._int4_kernel] + bias + self._int4_layout.file_variables(self)
        return [self._kernel] + bias + [self.kernel_scale]

    # -- QLoRA: LoRA on top of the int8 kernel ----------------------------------------------------
    def _int8_dequantized_kernel(self):
        """The float kernel the int8 values and their scale stand for."""
        raise NotImplementedError

    def _lora_merged_for_file(self):
        """An int8 layer with LoRA saves (kernel + scaled A @ B) re-quantized: new int8 values and scale."""
        if getattr(self, "kernel_scale", None) is None:
            return super()._lora_merged_for_file()
        a, b = self._lora_pair()
        merged = self._int8_dequantized_kernel() + torch.matmul(a, b) * (self.lora_alpha / self.lora_rank)
        values, scale = self._int8_kernel(merged)
        return {id(self._kernel): values, id(self.kernel_scale): scale}


def checked_request(layer, quantizable_class, mode, type_check, config, check=None):
    """The checks every layer's quantize() makes before it changes anything (the class it is written for,
    a supported mode, built, not quantized yet; `check` tests the mode, `check_mode` by default); returns
    the mode asked for, from `config` when `mode` is None."""
    label = quantizable_class.__name__
    if type_check and type(layer) is not quantizable_class:
        raise NotImplementedError(f"{type(layer).__name__} {layer.name!r}: quantize() is implemented for "
                                  f"{label} itself, not its subclasses (pass type_check=False to quantize anyway)")
    mode = mode if mode is not None else getattr(config, "mode", None)
    (check or check_mode)(layer, mode)
    if not layer.built:
        raise ValueError(f"{label} {layer.name!r}: build the layer (call it once) before quantize({mode!r})")
    if layer.dtype_policy.quantization_mode is not None:
        raise ValueError(f"{label} {layer.name!r} is already quantized ({layer.dtype_policy.name})")
    return mode


def check_mode(layer, mode):
    """int8 and int4 are implemented: name the layer and the modes when another is asked for."""
    if mode not in ("int8", "int4"):
        raise NotImplementedError(f"{type(layer).__name__} {layer.name!r}: quantization mode {mode!r} is not "
                                  f"supported by tkeras; 'int8' and 'int4' are (Keras also has 'float8', 'gptq', "
                                  f"'awq')")


def quantized_policy(layer, mode):
    """The layer's policy after quantizing, as Keras names it: `int8_from_float32`."""
    from tkeras import dtype_policies
    return dtype_policies.get(f"{mode}_from_{layer.dtype_policy.name}")


def accepted_config(owner, config, mode=None):
    """`owner`'s `quantization_config` (the object or its serialized dict) when it is what tkeras runs:
    None, an Int8QuantizationConfig with the default quantizers (Keras' `Model.quantize("int8")`
    writes exactly that) or, for a layer with "int8" in `_custom_quantizer_modes`, with any weight and
    activation quantizers, or an Int4QuantizationConfig without custom quantizers (any block size; with
    them, per channel, where "int4" is in the modes)
    Anything else is refused by name rather than run differently."""
    if config is None:
        return None
    from tkeras import quantizers
    if isinstance(config, dict):
        from tkeras.saving.serialization import deserialize_keras_object
        config = deserialize_keras_object(config)
    custom_modes = getattr(owner, "_custom_quantizer_modes", ())
    if mode in (None, "int4") and int4_quantization.accepts(config, "int4" in custom_modes):
        return config
    if isinstance(config, quantizers.Int8QuantizationConfig) and "int8" in custom_modes:
        return config
    activation = getattr(config, "activation_quantizer", None)
    default = (isinstance(config, quantizers.Int8QuantizationConfig) and config.weight_quantizer is None
               and isinstance(activation, quantizers.AbsMaxQuantizer)
               and tuple(activation.value_range) == (-127, 127) and activation.axis in (None, -1))
    if not default:
        raise ValueError(f"{type(owner).__name__}: quantization_config={config!r} is not supported by tkeras "
                         f"(layer {owner.name!r}); None, Int8QuantizationConfig() with its default quantizers or "
                         f"Int4QuantizationConfig(block_size=...) without custom quantizers is (Dense and EinsumDense "
                         f"also take custom int8 quantizers)")
    return config


def serialized_config(config):
    if config is None:
        return None
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(config)


# -- EinsumDense --------------------------------------------------------------------------------------
class EinsumPlan:
    """How the scales of `equation` line up (no "...": Keras 3.15.1 cannot quantize those either).

    The kernel is reduced over its contracted letters and its scale is stored aligned with the output
    (`ab,bc->ac`: (1, c); `abc,cde->abde`: (1, 1, d, e)), as Keras stores it; the inputs are reduced over
    their contracted letters and their scale is aligned with the output the same way."""

    def __init__(self, equation, owner):
        compact = equation.replace(" ", "")
        if "..." in compact:
            raise NotImplementedError(f"{owner}: quantize('int8') needs an equation without '...' (received "
                                      f"{equation!r}); Keras 3.15.1 cannot quantize those either")
        inputs, self.output = compact.split("->")
        self.input_term, self.kernel_term = inputs.split(",")
        self.equation = compact
        self.kernel_reduced = tuple(i for i, c in enumerate(self.kernel_term) if c not in self.output)
        self.input_reduced = tuple(i for i, c in enumerate(self.input_term) if c not in self.output)

    def _aligned(self, scale, term, reduced):
        """A scale reduced over `reduced` (kept as 1) -> the same values laid out along the output's letters."""
        kept = [c for i, c in enumerate(term) if i not in reduced]
        values = scale.squeeze(reduced) if reduced else scale
        sizes = dict(zip(kept, values.shape))
        values = values.permute(*sorted(range(len(kept)), key=lambda i: self.output.index(kept[i])))
        return values.reshape([sizes.get(c, 1) for c in self.output])

    def kernel_scale_shape(self, kernel_shape):
        return tuple(kernel_shape[self.kernel_term.index(c)] if c in self.kernel_term else 1 for c in self.output)

    def quantize_kernel(self, kernel):
        values, scale = quantize(kernel, self.kernel_reduced)
        return values, self._aligned(scale, self.kernel_term, self.kernel_reduced)

    def quantize_inputs(self, inputs):
        values, scale = quantize(inputs, self.input_reduced)
        return values, self._aligned(scale, self.input_term, self.input_reduced)

    def kernel_scale_by(self, weight_quantizer, kernel, owner):
        """A config's weight quantizer on the kernel (on the host, as Keras): int8 values and the scale
        aligned with the output; its scale must be the kernel's reduced over the contracted letters."""
        values, scale = (tensor(v) for v in weight_quantizer(kernel, to_numpy=True))
        expected = tuple(1 if i in self.kernel_reduced else d for i, d in enumerate(kernel.shape))
        if tuple(scale.shape) != expected:
            raise ValueError(f"{owner}: the int8 weight_quantizer must reduce the kernel over its contracted "
                             f"axes {self.kernel_reduced} (a scale of shape {expected}); "
                             f"{type(weight_quantizer).__name__} returned shape {tuple(scale.shape)}")
        return values.to(torch.int8), self._aligned(scale, self.kernel_term, self.kernel_reduced)

    def quantize_inputs_by(self, inputs_quantizer, inputs):
        """A custom inputs quantizer, reduced over the inputs' contracted axes as Keras asks it."""
        values, scale = inputs_quantizer(inputs, axis=self.input_reduced)
        return tensor(values), self._aligned(tensor(scale), self.input_term, self.input_reduced)

    def float_kernel(self, kernel, kernel_scale):
        """The dequantized kernel (for gradients): the scale taken back to the kernel's layout."""
        kept = [c for c in self.output if c in self.kernel_term]
        scale = kernel_scale.reshape([kernel_scale.shape[self.output.index(c)] for c in kept])
        scale = scale.permute(*[kept.index(c) for c in self.kernel_term if c in kept])
        shape = [kernel.shape[i] if c in kept else 1 for i, c in enumerate(self.kernel_term)]
        return kernel.to(kernel_scale.dtype) / scale.reshape(shape)


class Int8QuantizerEinsum(torch.autograd.Function):
    """As Int8Einsum, with a layer's own `inputs_quantizer`, or None (weight-only: the float inputs meet the
    dequantized kernel, as Keras); gradients reach the inputs through the dequantized kernel."""

    @staticmethod
    def forward(ctx, inputs, kernel, kernel_scale, plan, inputs_quantizer):
        ctx.save_for_backward(inputs, kernel, kernel_scale)
        ctx.plan = plan
        if inputs_quantizer is None:
            return torch.einsum(plan.equation, inputs, plan.float_kernel(kernel, kernel_scale.to(inputs.dtype)))
        quantized, inputs_scale = plan.quantize_inputs_by(inputs_quantizer, inputs)
        sums = torch.einsum(plan.equation, quantized.to(torch.float32), kernel.to(torch.float32))
        return (sums / (inputs_scale * kernel_scale).to(torch.float32)).to(inputs.dtype)

    @staticmethod
    def backward(ctx, upstream):
        return Int8Einsum.backward(ctx, upstream) + (None,)


class Int8Einsum(torch.autograd.Function):
    """`plan.equation` on the inputs and the int8 kernel, de-scaled by both scales."""

    @staticmethod
    def forward(ctx, inputs, kernel, kernel_scale, plan):
        ctx.save_for_backward(inputs, kernel, kernel_scale)
        ctx.plan = plan
        inputs_q, inputs_scale = plan.quantize_inputs(inputs.to(torch.float32))
        sums = torch.einsum(plan.equation, inputs_q.to(torch.float32), kernel.to(torch.float32))
        return (sums / (inputs_scale * kernel_scale.to(torch.float32))).to(inputs.dtype)

    @staticmethod
    def backward(ctx, upstream):
        inputs, kernel, kernel_scale = ctx.saved_tensors
        float_kernel = ctx.plan.float_kernel(kernel, kernel_scale.to(upstream.dtype))
        with torch.enable_grad():
            probe = inputs.detach().requires_grad_(True)
            outputs = torch.einsum(ctx.plan.equation, probe.to(upstream.dtype), float_kernel)
            (grad,) = torch.autograd.grad(outputs, probe, upstream)
        return grad, None, None, None
