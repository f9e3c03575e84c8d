"""How a layer is to be quantized (`keras.quantizers.*Config`): which quantizers for weights and
activations, block sizes, and the GPTQ/AWQ calibration settings. Configs only: tkeras reads and
writes them as Keras does; it does not run GPTQ or AWQ calibration.
"""
from tkeras.dtype_policies.dtype_policy import QUANTIZATION_MODES


def _serialize(value):
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(value)


def _deserialize(value):
    if value is None:
        return None
    from tkeras import quantizers
    return quantizers.deserialize(value)


class QuantizationConfig:
    """Base class: a weight quantizer and an activation quantizer (None: the layer's defaults)."""

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__}: a QuantizationConfig subclass names its mode "
                                  f"(one of {QUANTIZATION_MODES}); use Int8QuantizationConfig, "
                                  f"Int4QuantizationConfig, Float8QuantizationConfig, GPTQConfig or AWQConfig")

    def get_config(self):
        return {"weight_quantizer": _serialize(self.weight_quantizer),
                "activation_quantizer": _serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=_deserialize(config.get("weight_quantizer")),
                   activation_quantizer=_deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights; activations by an AbsMaxQuantizer (axis -1) unless another (or None) is given."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        from tkeras.quantizers.quantizers import AbsMaxQuantizer
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError(f"Int8QuantizationConfig: the weight_quantizer must output int8; received "
                             f"output_dtype={weight_quantizer.output_dtype!r}")

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights in blocks of `block_size` input rows (None or -1: one scale per output channel)."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError(f"Int4QuantizationConfig: block_size must be None, -1 or a positive int; received "
                             f"block_size={block_size}")
        self.block_size = block_size
        if block_size is not None and block_size > 0 and (weight_quantizer is not None
                                                          or self.activation_quantizer is not None):
            raise ValueError(f"Int4QuantizationConfig: custom quantizers need per-channel quantization "
                             f"(block_size=None or -1); received block_size={block_size}")
        if weight_quantizer is not None:
            if tuple(weight_quantizer.value_range) != (-8, 7):
                raise ValueError(f"Int4QuantizationConfig: the weight_quantizer needs value_range=(-8, 7); "
                                 f"received {weight_quantizer.value_range}")
            if weight_quantizer.output_dtype != "int8":
                raise ValueError(f"Int4QuantizationConfig: the weight_quantizer must output int8; received "
                                 f"output_dtype={weight_quantizer.output_dtype!r}")

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=_deserialize(config.get("weight_quantizer")),
                   activation_quantizer=_deserialize(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


class Float8QuantizationConfig(QuantizationConfig):
    """float8 training: no custom quantizers, the mode alone says what to do."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls()


def _check_group_size(cls_name, group_size):
    if group_size < -1 or group_size == 0:
        raise ValueError(f"{cls_name}: group_size must be -1 (one group per channel) or a positive int; received "
                         f"group_size={group_size}")


def _check_positive(cls_name, **values):
    for name, value in values.items():
        if value <= 0:
            raise ValueError(f"{cls_name}: {name} must be a positive int; received {name}={value}")


class GPTQConfig(QuantizationConfig):
    """GPTQ's settings (calibration data, bits, groups, Hessian damping). The dataset and tokenizer are
    needed for calibration only and are written as None."""

    def __init__(self, dataset, tokenizer, *, weight_bits=4, num_samples=128, per_channel=True,
                 sequence_length=512, hessian_damping=0.01, group_size=128, symmetric=False,
                 activation_order=False, quantization_layer_structure=None):
        super().__init__()
        if weight_bits not in (2, 3, 4, 8):
            raise ValueError(f"GPTQConfig: weight_bits must be 2, 3, 4 or 8; received weight_bits={weight_bits}")
        _check_positive("GPTQConfig", num_samples=num_samples, sequence_length=sequence_length)
        if not 0 <= hessian_damping <= 1:
            raise ValueError(f"GPTQConfig: hessian_damping must lie in [0, 1]; received {hessian_damping}")
        _check_group_size("GPTQConfig", group_size)
        self.dataset, self.tokenizer = dataset, tokenizer
        self.num_samples, self.per_channel, self.sequence_length = num_samples, per_channel, sequence_length
        self.hessian_damping, self.weight_bits, self.group_size = hessian_damping, weight_bits, group_size
        self.symmetric, self.activation_order = symmetric, activation_order
        self.quantization_layer_structure = quantization_layer_structure

    @property
    def mode(self):
        return "gptq"

    def dtype_policy_string(self):
        return f"gptq/{self.weight_bits}/{self.group_size}"

    def get_config(self):
        return {"dataset": None, "tokenizer": None, "weight_bits": self.weight_bits, "num_samples": self.num_samples,
                "per_channel": self.per_channel, "sequence_length": self.sequence_length,
                "hessian_damping": self.hessian_damping, "group_size": self.group_size, "symmetric": self.symmetric,
                "activation_order": self.activation_order,
                "quantization_layer_structure": self.quantization_layer_structure}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class AWQConfig(QuantizationConfig):
    """AWQ's settings (4-bit only; `num_grid_points` scales are searched per channel)."""

    def __init__(self, dataset, tokenizer, *, weight_bits=4, num_samples=128, sequence_length=512, group_size=128,
                 num_grid_points=20, quantization_layer_structure=None):
        super().__init__()
        if weight_bits != 4:
            raise ValueError(f"AWQConfig: AWQ quantizes to 4 bits only; received weight_bits={weight_bits}")
        _check_positive("AWQConfig", num_samples=num_samples, sequence_length=sequence_length,
                        num_grid_points=num_grid_points)
        _check_group_size("AWQConfig", group_size)
        self.dataset, self.tokenizer, self.weight_bits = dataset, tokenizer, weight_bits
        self.num_samples, self.sequence_length, self.group_size = num_samples, sequence_length, group_size
        self.num_grid_points = num_grid_points
        self.quantization_layer_structure = quantization_layer_structure

    @property
    def mode(self):
        return "awq"

    def dtype_policy_string(self):
        return f"awq/{self.weight_bits}/{self.group_size}"

    def get_config(self):
        return {"dataset": None, "tokenizer": None, "weight_bits": self.weight_bits, "num_samples": self.num_samples,
                "sequence_length": self.sequence_length, "group_size": self.group_size,
                "num_grid_points": self.num_grid_points,
                "quantization_layer_structure": self.quantization_layer_structure}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
