"""Keras 3's dtype policies: the float policy every layer holds, and the quantized ones Keras writes.

A policy names two dtypes: the one weights are stored in (`variable_dtype`) and the one arithmetic
runs in (`compute_dtype`). tkeras realises a `mixed_*` policy with `torch.autocast` (see
`tkeras/mixed_precision/policy.py`); this module only holds the descriptions, so configs written by
Keras (a layer's `"dtype": {"class_name": "DTypePolicy", ...}`, the quantized variants) read back
into objects of the same class with the same `get_config()`.

The quantized policies are descriptions only: tkeras reads and writes their names and configs, but
a layer given one computes in its source (float) policy.
"""
QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
_MIXED = {"mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}


def _float_policy_dtypes(name):
    """(compute, variable) dtypes of a float policy name; a dtype spelling keeps both the same."""
    if name in _MIXED:
        return _MIXED[name]
    from tkeras.backend import config
    if name == "string":
        return "string", "string"
    try:
        dtype = config.dtype_name(config.standardize_dtype(name))
    except (ValueError, TypeError):
        dtype = None
    if dtype is None:
        raise ValueError(
            f"DTypePolicy: unknown policy name {name!r}; expected 'mixed_float16' (GPUs with tensor cores), "
            f"'mixed_bfloat16' (CPUs, TPUs, Ampere+ GPUs) or a dtype name such as 'float32' or 'int32'")
    return dtype, dtype


class DTypePolicy:
    """The dtypes a layer stores its weights in and computes in (`keras.DTypePolicy`).

    `name` is "mixed_float16", "mixed_bfloat16" or a dtype name; None takes the global policy's name.
    tkeras also accepts a dtype object (np.float64, torch.float64) or another policy for `name`.
    """

    def __init__(self, name=None):
        if name is None:
            name = global_policy_name()
        elif isinstance(name, DTypePolicy):
            name = name.name
        elif not isinstance(name, str):
            from tkeras.backend import config
            try:
                name = config.dtype_name(config.standardize_dtype(name))
            except ValueError:
                raise TypeError(f"DTypePolicy: `name` must be a policy name such as 'mixed_float16' or a dtype; "
                                f"received {name!r} (of type {type(name).__name__})") from None
        self._compute_dtype, self._variable_dtype = _float_policy_dtypes(name)
        if name not in _MIXED:
            name = self._compute_dtype  # 'float', np.float64's name, ... -> the Keras spelling
        self._name = name
        self._quantization_mode = None

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """None for a float policy; "int8", "float8", "int4", "gptq" or "awq" for a quantized one."""
        return self._quantization_mode

    @property
    def is_mixed(self):
        return self._compute_dtype != self._variable_dtype

    @property
    def needs_loss_scaling(self):
        """float16's narrow exponent range lets small gradients underflow to zero; bfloat16's doesn't."""
        return self._compute_dtype == "float16" and self._variable_dtype == "float32"

    def convert_input(self, x, autocast, dtype):
        """`x` cast to `dtype` when it is a floating tensor of another float dtype and `autocast` is on;
        integer and boolean inputs pass through (Keras' rule for a layer's inputs)."""
        import torch
        from tkeras.backend import config
        target = config.standardize_dtype(dtype)
        if not isinstance(x, torch.Tensor):
            if not hasattr(x, "__array__"):
                return x
            x = torch.as_tensor(x)
        if autocast and x.is_floating_point() and x.dtype != target:
            x = x.to(target)
        return x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _same_family(self, other):
        float_classes = (DTypePolicy, FloatDTypePolicy)
        if type(self) in float_classes:
            return type(other) in float_classes
        return type(other) is type(self)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and self._same_family(other) and self._name == other._name

    def __hash__(self):
        return hash((DTypePolicy if type(self) is FloatDTypePolicy else type(self), self._name))

    def __repr__(self):
        shown = "DTypePolicy" if type(self) is FloatDTypePolicy else type(self).__name__
        return f'<{shown} "{self._name}">'


class FloatDTypePolicy(DTypePolicy):
    """Keras 3.0-3.3's name for a float `DTypePolicy`; equal to a DTypePolicy of the same name."""


class QuantizedDTypePolicy(DTypePolicy):
    """A quantized layer's policy, named "<mode>_from_<source policy>" (e.g. "int8_from_float32")."""

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = global_policy_name()
        self._compute_dtype, self._variable_dtype = _float_policy_dtypes(source_name)
        if mode not in QUANTIZATION_MODES:
            raise ValueError(f"{type(self).__name__}: unknown quantization mode={mode!r}; expected one of "
                             f"{QUANTIZATION_MODES}")
        if mode == "int8" and self._compute_dtype == "float16":
            raise ValueError(f"{type(self).__name__}: mode='int8' with compute dtype float16 (source_name="
                             f"{source_name!r}) loses too much precision; use a float32 or bfloat16 source")
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    def __eq__(self, other):
        return (super().__eq__(other) and self._quantization_mode == other._quantization_mode
                and self._source_name == other._source_name)

    def __hash__(self):
        return hash((type(self), self._name))

    def get_config(self):
        return {"mode": self._quantization_mode, "source_name": self._source_name}


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """float8 training: scales come from the largest magnitudes of the last `amax_history_length` steps."""

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode=mode, source_name=source_name)
        if isinstance(amax_history_length, bool) or not isinstance(amax_history_length, int):
            raise TypeError(f"QuantizedFloat8DTypePolicy: amax_history_length must be an int; received "
                            f"{amax_history_length!r}")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        return self._amax_history_length

    def __eq__(self, other):
        return super().__eq__(other) and self._amax_history_length == other._amax_history_length

    __hash__ = QuantizedDTypePolicy.__hash__

    def get_config(self):
        return {**super().get_config(), "amax_history_length": self._amax_history_length}


def _mode_numbers(cls_name, mode, algorithm, fields):
    """Split "algorithm/n1/n2" into ints, with an error naming the expected format."""
    expected = "'" + "/".join([algorithm] + [f"<{field}>" for field in fields]) + "'"
    parts = mode.split("/") if isinstance(mode, str) else []
    if len(parts) != len(fields) + 1 or parts[0] != algorithm:
        raise ValueError(f"{cls_name}: mode must have the format {expected}; received mode={mode!r}")
    try:
        numbers = [int(part) for part in parts[1:]]
    except ValueError:
        raise ValueError(f"{cls_name}: the numbers in mode={mode!r} must be integers (format {expected})") from None
    size = numbers[-1]
    if size < -1 or size == 0:
        raise ValueError(f"{cls_name}: <{fields[-1]}> in mode={mode!r} must be -1 (one group per channel) or a "
                         f"positive integer; received {size}")
    return numbers


class Int4DTypePolicy(QuantizedDTypePolicy):
    """int4 weights in blocks: mode "int4/<block_size>" (-1: one scale per output channel)."""

    def __init__(self, mode, source_name=None):
        (self.block_size,) = _mode_numbers("Int4DTypePolicy", mode, "int4", ["block_size"])
        super().__init__(mode="int4", source_name=source_name)
        self._name = f"{mode}_from_{source_name}"
        self.mode = "int4"

    def __eq__(self, other):
        return super().__eq__(other) and self.block_size == other.block_size

    __hash__ = QuantizedDTypePolicy.__hash__

    def get_config(self):
        return {**super().get_config(), "mode": f"int4/{self.block_size}"}


class _GroupedPolicy(QuantizedDTypePolicy):
    """GPTQ and AWQ: mode "<algorithm>/<weight_bits>/<group_size>"."""

    _algorithm = None
    _allowed_bits = ()

    def __init__(self, mode, source_name=None):
        name = type(self).__name__
        bits, group = _mode_numbers(name, mode, self._algorithm, ["weight_bits", "group_size"])
        if bits not in self._allowed_bits:
            raise ValueError(f"{name}: weight_bits in mode={mode!r} must be one of {list(self._allowed_bits)}; "
                             f"received {bits}")
        super().__init__(mode=self._algorithm, source_name=source_name)
        self._name = f"{mode}_from_{source_name}"
        self.mode = self._algorithm
        self.weight_bits, self.group_size = bits, group

    def __eq__(self, other):
        return (super().__eq__(other) and self.weight_bits == other.weight_bits
                and self.group_size == other.group_size)

    __hash__ = QuantizedDTypePolicy.__hash__

    def get_config(self):
        return {**super().get_config(), "mode": f"{self.mode}/{self.weight_bits}/{self.group_size}"}


class GPTQDTypePolicy(_GroupedPolicy):
    """GPTQ-quantized weights: mode "gptq/<weight_bits: 2, 3, 4 or 8>/<group_size>"."""

    _algorithm = "gptq"
    _allowed_bits = (2, 3, 4, 8)


class AWQDTypePolicy(_GroupedPolicy):
    """AWQ-quantized weights: mode "awq/4/<group_size>" (AWQ is 4-bit only)."""

    _algorithm = "awq"
    _allowed_bits = (4,)


def quantized_policy_from_name(name):
    """"int8_from_float32", "int4/128_from_bfloat16", "gptq/4/128_from_float32", ... -> its policy."""
    mode, separator, source_name = name.partition("_from_")
    if not separator or not source_name or "_from_" in source_name:
        raise ValueError(f"dtype policy {name!r}: a quantized policy is named '<mode>_from_<source policy>', "
                         f"e.g. 'int8_from_float32'")
    if mode.startswith("int4/"):
        return Int4DTypePolicy(mode, source_name)
    for prefix, cls in (("gptq", GPTQDTypePolicy), ("awq", AWQDTypePolicy), ("float8", QuantizedFloat8DTypePolicy)):
        if mode.startswith(prefix):
            return cls(mode, source_name)
    return QuantizedDTypePolicy(mode, source_name)


def global_policy_name():
    """The name of the global policy (`keras.config.dtype_policy()`), without importing the mixed
    precision machinery before anyone set a policy."""
    import sys
    precision = sys.modules.get("tkeras.mixed_precision.policy")
    if precision is not None:
        return precision.global_policy().name
    from tkeras.backend import config
    return config.floatx()
