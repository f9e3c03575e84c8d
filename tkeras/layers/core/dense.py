"""Dense: `activation(inputs @ kernel + bias)` on the last axis, kernel stored (input_dim, units) as Keras."""
import numbers

import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.backend import dense_matmul
from tkeras.layers.core import int4_quantization, int8_quantization
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.lora import LoraKernelMixin


class Dense(int8_quantization.Int8KernelQuantization, LoraKernelMixin, Layer):
    """A fully connected layer. Keras 1 spellings (`output_dim=`, `init=`, `W_regularizer=`, `bias=`) work."""
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    # Int8QuantizationConfig's weight and activation quantizers are honoured (accepted_config); Keras'
    # int8 Dense keeps the activation one as `inputs_quantizer` (int4 and float layers: None here).
    _custom_quantizer_modes = ("int8", "int4")
    inputs_quantizer = None
    _int8_custom_call = False  # True when inputs_quantizer is not the default Int8Matmul already applies

    def __init__(self, units=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        # Keras 1 argument names keep their Keras 1 meaning.
        units = kwargs.pop("output_dim", units)
        kernel_initializer = kwargs.pop("init", kernel_initializer)
        kernel_regularizer = kwargs.pop("W_regularizer", kernel_regularizer)
        bias_regularizer = kwargs.pop("b_regularizer", bias_regularizer)
        kernel_constraint = kwargs.pop("W_constraint", kernel_constraint)
        bias_constraint = kwargs.pop("b_constraint", bias_constraint)
        use_bias = kwargs.pop("bias", use_bias)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, torch.Tensor) and units.dim() == 0 and not units.is_floating_point():
            units = int(units)  # tf.keras took `Dense(tf.math.reduce_prod(shape))`, a scalar int tensor
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, received units={units!r}")
        self.units = int(units)
        self.quantization_config = int8_quantization.accepted_config(self, quantization_config)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self._init_lora(lora_rank, lora_alpha)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense layer {self.name!r}: the last dimension of the input must be known, "
                             f"received input shape {input_shape}")
        mode = self.dtype_policy.quantization_mode
        if mode is None:
            self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                          initializer=self.kernel_initializer,
                                          regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        else:  # a quantized layer from a file: the int8/int4 kernel and its scales are loaded next
            self._quantized_kernel_build((input_dim, self.units), mode)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: int(input_dim)})
        self.built = True
        self._build_lora()

    def call(self, inputs):
        if getattr(self, "kernel_scale", None) is not None:
            if self._int4_layout is not None:
                outputs = int4_quantization.dense_matmul(self, inputs)
                if self.bias is not None:
                    outputs = outputs + self.bias
                return self.activation(outputs)
            if self._int8_custom_call:  # a custom (or no) inputs quantizer from the config
                outputs = int8_quantization.Int8QuantizerMatmul.apply(inputs, self._kernel, self.kernel_scale,
                                                                      self.inputs_quantizer)
            else:
                outputs = int8_quantization.Int8Matmul.apply(inputs, self._kernel, self.kernel_scale)
            if self.lora_enabled:  # QLoRA: the float low-rank term on top of the int8 product
                lora = torch.matmul(torch.matmul(inputs.to(self.lora_kernel_a.dtype), self.lora_kernel_a),
                                    self.lora_kernel_b)
                outputs = (outputs + lora * (self.lora_alpha / self.lora_rank)).to(outputs.dtype)
            if self.bias is not None:
                outputs = outputs + self.bias
            return self.activation(outputs)
        if inputs.dim() == 2:  # wide inputs: oneDNN, with a ReLU in the same pass (backend/dense_matmul.py)
            relu = self.activation is activations.relu
            outputs = dense_matmul.dense(inputs, self.kernel, self.bias, relu)
            if outputs is not None:
                return outputs if relu else self.activation(outputs)
        if inputs.dim() == 2 and self.bias is not None:
            outputs = torch.addmm(self.bias, inputs, self.kernel)
        else:
            outputs = torch.matmul(inputs, self.kernel)
            if self.bias is not None:
                outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    # -- int8, int4 (see int8_quantization.py, int4_quantization.py) -------------------------------
    def _int8_kernel(self, kernel):
        values, scale = int8_quantization.quantize(kernel, 0)
        return values, scale[0]

    def _int8_configured_kernel(self, kernel):
        from tkeras.ops.core import tensor
        weight_quantizer = getattr(self.quantization_config, "weight_quantizer", None)
        if weight_quantizer is None:
            return self._int8_kernel(kernel)
        # As Keras: the quantizer's own axis (AbsMaxQuantizer(axis=0) per output column), on the host.
        values, scale = weight_quantizer(kernel, to_numpy=True)
        values, scale = tensor(values), tensor(scale)
        if tuple(scale.shape) != (1, self.units):
            raise ValueError(f"Dense {self.name!r}: the int8 weight_quantizer must return (values, scale) with a "
                             f"scale of shape (1, {self.units}) (one per output unit, e.g. AbsMaxQuantizer(axis=0));"
                             f" {type(weight_quantizer).__name__} returned shape {tuple(scale.shape)}")
        return values.to(torch.int8), scale[0]

    def _int8_dequantized_kernel(self):
        return self._kernel.to(self.kernel_scale.dtype) / self.kernel_scale

    def _int4_reduced_axes(self):
        return (0,)

    def _int8_build(self, kernel_shape):
        from tkeras import quantizers
        self.inputs_quantizer = quantizers.QuantizationConfig.activation_quantizer_or_default(
            self.quantization_config, quantizers.AbsMaxQuantizer())
        self._int8_custom_call = not int8_quantization.is_default_inputs_quantizer(self.inputs_quantizer)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer="zeros", dtype="int8",
                                      trainable=False)
        self.kernel_scale = self.add_weight(name="kernel_scale", shape=(self.units,), initializer="ones",
                                            trainable=False)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": int8_quantization.serialized_config(self.quantization_config),
        })
        return self._lora_config(config)
