"""The `Loss` base class: per-sample values from `call`, then sample weights, masks and a reduction.

Loss functions return one value per sample (the last axis reduced, as Keras does); everything a
`Loss` object adds on top is here, so each family module only writes the formula.
"""
import torch

from tkeras.backend import config
from tkeras.backend.naming import to_snake_case
from tkeras.backend.tensor import for_user_code
from tkeras.losses import _tensors
from tkeras.utils.lookup import lookup_error

# Keras 3 names, Keras 2's 'auto' and None/'none' (no reduction).
REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight", "auto")


def standardize_reduction(reduction):
    """Keras 2's 'auto' means what Keras 3 calls 'sum_over_batch_size'; None means 'none'."""
    if reduction is None:
        return "none"
    if not isinstance(reduction, str) or reduction.lower() not in REDUCTIONS:
        raise lookup_error("loss reduction (argument `reduction`)", reduction, REDUCTIONS)
    reduction = reduction.lower()
    return "sum_over_batch_size" if reduction == "auto" else reduction


def _compute_dtype_name(owner, dtype):
    """The dtype a loss computes in, by name: floatx when none is given (fixed when the loss is made, as
    in Keras 3, so a global mixed policy does not turn losses to float16), a policy's compute dtype
    ('mixed_float16' -> 'float16'), or the float dtype given in any spelling."""
    from tkeras.dtype_policies import DTypePolicy
    if dtype is None:
        return config.floatx()
    try:
        if isinstance(dtype, DTypePolicy):
            name = dtype.compute_dtype
        elif isinstance(dtype, str) and dtype.startswith("mixed_"):
            from tkeras import dtype_policies
            name = dtype_policies.get(dtype).compute_dtype
        else:
            name = config.dtype_name(config.standardize_dtype(dtype))
        floating = config.standardize_dtype(name).is_floating_point
    except (TypeError, ValueError):
        floating = False
    if not floating:
        raise ValueError(f"{owner}: dtype={dtype!r} is not a float dtype or a dtype policy; pass e.g. 'float32', "
                         f"'float64' or 'mixed_float16'")
    return name


class Loss:
    """Subclass and implement `call(y_true, y_pred)` returning per-sample losses."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = _compute_dtype_name(f"Loss {type(self).__name__}", dtype)
        self._torch_dtype = config.standardize_dtype(self._dtype)  # what tkeras' own code compares against

    @property
    def dtype(self):
        """Keras 3 reports the compute dtype by name ('float32'); tkeras' own code reads `_torch_dtype`."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_float(y_pred)
        if y_pred.dtype != self._torch_dtype:
            y_pred = _tensors.as_tensor(y_pred, dtype=self._torch_dtype)
        y_true = _tensors.as_tensor(y_true, device=y_pred.device)
        mask = _tensors.mask_of(y_pred)
        values = self.call(y_true, y_pred)
        out_mask = _tensors.mask_of(values)
        if out_mask is not None:
            mask = out_mask if mask is None else (mask.bool() & out_mask.bool())
        # `loss_fn(y, p)` in a notebook prints as a tf.Tensor and `.numpy()` gives a NumPy scalar.
        return for_user_code(reduce_weighted_values(values, sample_weight, mask, self.reduction))

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, reduction={self.reduction}>"


def _merge_mask(sample_weight, mask, values, reduction):
    """A mask becomes a weight; for mean reductions the kept entries are scaled by total/valid.

    That makes 'sum_over_batch_size' the mean over the unmasked entries only (Keras 3's rule).
    """
    mask = mask.to(device=values.device, dtype=values.dtype)
    if reduction in ("sum_over_batch_size", "mean"):
        valid = mask.sum()
        scale = mask.numel() / torch.where(valid > 0, valid, torch.ones_like(valid))
        mask = mask * scale
    if sample_weight is None:
        return mask
    mask, sample_weight = _tensors.align_ranks(mask, sample_weight)
    return sample_weight * mask


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Weight (and mask) per-sample losses, then reduce them to what `reduction` asks for."""
    reduction = standardize_reduction(reduction)
    if not values.is_floating_point():
        values = values.to(config.standardize_dtype(None))
    if sample_weight is not None:
        sample_weight = _tensors.as_tensor(sample_weight, dtype=values.dtype, device=values.device)
    if mask is not None:
        sample_weight = _merge_mask(sample_weight, mask, values, reduction)
    if sample_weight is not None:
        # align_ranks first: a (N, 1) weight against (N,) values would otherwise broadcast to (N, N).
        values, sample_weight = _tensors.align_ranks(values, sample_weight, expand_rank_1=False)
        values = values * sample_weight
    if reduction == "none" or values.dim() == 0:
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = sample_weight.sum()
        return torch.where(divisor != 0, total / torch.where(divisor != 0, divisor, torch.ones_like(divisor)),
                           torch.zeros_like(total))
    # A Python count keeps the division on the device (no host-to-device copy per step).
    return total / values.numel() if values.numel() else total


class LossFunctionWrapper(Loss):
    """Any `fn(y_true, y_pred, **kwargs)` returning per-sample losses, as a `Loss` object.

    `elementwise` marks formulas whose last axis holds independent outputs (MSE, binary
    crossentropy): for those a rank-1 prediction is a batch of scalars, one loss per sample, so that
    a per-sample `sample_weight` weighs samples rather than scaling a single batch mean.
    """

    elementwise = False

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper expects a callable fn(y_true, y_pred); received {fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
        if self.elementwise and y_pred.dim() == 1 and y_true.dim() == 1:
            y_true = y_true.unsqueeze(-1)
            y_pred = _tensors.carry(y_pred, y_pred.unsqueeze(-1), lambda t: t.unsqueeze(-1))
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        """name, reduction and the function's keyword arguments; a built-in subclass fixes its own
        function, so only the generic wrapper writes it (as "fn")."""
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            from tkeras.losses import serialize
            config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is not LossFunctionWrapper:
            # A built-in subclass fixes its own function; TF-Keras still writes it as "fn".
            config.pop("fn", None)
        elif "fn" in config:
            from tkeras.losses import deserialize
            config["fn"] = deserialize(config["fn"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__}({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


def reduce_last_axis(values, axis=-1):
    """Mean over `axis` (Keras' per-sample reduction); a scalar stays a scalar."""
    return values.mean(dim=axis) if values.dim() else values
