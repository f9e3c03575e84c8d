"""Dtype policies: which dtype a model's weights are stored in and which dtype its arithmetic runs in.

tkeras keeps every weight in float32 (the variable dtype) and realises the compute dtype of a
`mixed_*` policy with `torch.autocast` around the forward passes of fit/evaluate/predict: matmuls and
convolutions run in float16/bfloat16, precision-sensitive ops (reductions, softmax, losses) stay in
float32 inside a layer, and each mixed layer hands its result on in the compute dtype as Keras does
(layer_outputs.py). The loss and metrics see the model's outputs as float32; `predict` gives them back
as the model made them (float16 without a float32 head, as in Keras; bfloat16 as float32). Weights
never change dtype, so checkpoints, ONNX export and `get_weights` look exactly like a float32 model's.
"""
import contextlib
import warnings

import torch

from tkeras.dtype_policies.dtype_policy import DTypePolicy

# Keras 3 has one policy class: `keras.mixed_precision.Policy` is `keras.DTypePolicy`.
Policy = DTypePolicy


_GLOBAL_POLICY = Policy("float32")
_MIXED_IN_USE = False


def policy_for_layer(dtype):
    """The policy a layer built with `dtype=` computes under.

    None means the global policy when it is a mixed one (as Keras' layers pick the policy up at
    construction) and floatx otherwise; a dtype (string, NumPy or torch), a policy name, a Policy, or
    the `{"class_name": "DTypePolicy", "config": {...}}` dict a Keras 3 config holds are all accepted.
    """
    global _MIXED_IN_USE
    if dtype is None:
        if _GLOBAL_POLICY.is_mixed:
            return _GLOBAL_POLICY
        from tkeras.backend import config
        return Policy(config.floatx())
    from tkeras import dtype_policies
    if isinstance(dtype, dict) and "class_name" not in dtype:
        name = (dtype.get("config") or {}).get("name", dtype.get("name"))
        if not isinstance(name, str):
            raise ValueError(f"dtype {dtype!r}: a dtype policy config needs a 'class_name' (Keras 3) or a 'name'")
        dtype = name
    policy = dtype_policies.get(dtype)
    _MIXED_IN_USE = _MIXED_IN_USE or policy.is_mixed
    return policy


def global_policy():
    return _GLOBAL_POLICY


def set_global_policy(policy):
    """Set the policy every later fit/evaluate/predict computes under (None resets to float32).

    Only the `mixed_*` policies (and float32) are supported as global policies: a pure float16 or
    bfloat16 policy would store weights in half precision, which Keras itself discourages for training.
    """
    global _GLOBAL_POLICY, _MIXED_IN_USE
    from tkeras import dtype_policies
    policy = Policy("float32") if policy is None else dtype_policies.get(policy)
    if policy.name in ("float16", "bfloat16", "float64"):
        raise ValueError(
            f"set_global_policy({policy.name!r}): tkeras stores weights in float32 and computes in half "
            f"precision only through the mixed policies; use 'mixed_{policy.name}' instead"
            if policy.name != "float64" else
            "set_global_policy('float64'): use tkeras.backend.set_floatx('float64') to make float64 weights")
    _GLOBAL_POLICY = policy
    _MIXED_IN_USE = _MIXED_IN_USE or policy.is_mixed
    if policy.name == "mixed_float16":
        from tkeras.backend import config
        if config.device().type == "cpu":
            warnings.warn(
                "set_global_policy('mixed_float16') on a CPU: float16 is a GPU format; CPU kernels for it are slow "
                "and some are missing. On CPUs use 'mixed_bfloat16'.", UserWarning, stacklevel=2)


# Keras 2.3's experimental spelling.
set_policy = set_global_policy


def autocast_scope(device_type=None, policy=None):
    """The context the forward passes of fit/evaluate/predict run in under the global policy."""
    policy = _GLOBAL_POLICY if policy is None else policy
    if not policy.is_mixed:
        return contextlib.nullcontext()
    if device_type is None:
        from tkeras.backend import config
        device_type = config.device().type
    dtype = torch.float16 if policy.compute_dtype == "float16" else torch.bfloat16
    # One autocast region spans a whole fit (many optimizer steps), so autocast's cache of
    # half-precision weight copies would go stale after the first update: keep it off.
    return torch.autocast(device_type=device_type, dtype=dtype, cache_enabled=False)


def layer_precision(policy, explicit):
    """How one layer's `call` runs: (a context to enter or None, whether to cast its floating inputs to
    the layer's own float dtype).

    A layer whose own policy is mixed and that is called outside any autocast region (an eager
    `model(x)` under `mixed_float16`) computes in half precision, as in Keras. A layer given
    `dtype='float32'` inside a mixed model (Keras' advice for the final softmax) leaves the autocast
    region. A float32 layer outside any region that receives a mixed layer's half-precision output
    takes it as float32, as Keras casts a layer's inputs to its compute dtype.
    """
    from tkeras.backend import config
    device_type = config.device().type
    active = torch.is_autocast_enabled(device_type)
    if policy.is_mixed:
        return (None if active else autocast_scope(device_type, policy)), False
    full_precision = policy.compute_dtype in ("float32", "float64")  # a float16 layer keeps float16
    if not active:
        return None, full_precision
    if explicit:
        return torch.autocast(device_type=device_type, enabled=False), full_precision
    return None, False


def outside_autocast():
    """A context that leaves the autocast region, if one is active (a layer built with
    `autocast=False` computes in the dtype of the inputs it gets)."""
    from tkeras.backend import config
    device_type = config.device().type
    if not torch.is_autocast_enabled(device_type):
        return None
    return torch.autocast(device_type=device_type, enabled=False)


def mixed_in_use():
    """False until a mixed policy is set globally or given to a layer: until then no layer checks."""
    return _MIXED_IN_USE


def outputs_to_float32(outputs):
    """Model outputs as float32 for the loss and metrics (no-op without a mixed policy).

    Keras attaches bookkeeping to tensors (`_keras_logits` for fused losses, `_keras_mask`); they are
    carried over to the cast tensor, the logits cast as well.
    """
    if not _MIXED_IN_USE:  # a layer with its own mixed policy may hand out half precision too
        return outputs
    return _cast_structure(outputs)


def predicted_outputs(outputs):
    """What `predict` hands back: float16 stays float16 as in Keras (a model without a float32 head
    predicts in half precision), bfloat16 becomes float32 because NumPy has no bfloat16."""
    if not _MIXED_IN_USE:
        return outputs
    return _cast_structure(outputs, keep=(torch.float32, torch.float64, torch.float16))


def _cast_structure(value, keep=(torch.float32, torch.float64)):
    if isinstance(value, torch.Tensor):
        return _cast_tensor(value, keep)
    if isinstance(value, dict):
        return {k: _cast_structure(v, keep) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_structure(v, keep) for v in value)
    return value


def _cast_tensor(tensor, keep):
    if not tensor.is_floating_point() or tensor.dtype in keep:
        return tensor
    result = tensor.float()
    for attr in ("_keras_logits", "_keras_activation", "_keras_mask"):
        extra = getattr(tensor, attr, None)
        if extra is not None:
            if isinstance(extra, torch.Tensor) and extra.is_floating_point() and extra.dtype != torch.float32:
                extra = extra.float()
            setattr(result, attr, extra)
    return result
