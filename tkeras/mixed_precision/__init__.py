"""tkeras.mixed_precision: float32 weights, float16/bfloat16 arithmetic (Keras' mixed precision API).

    keras.mixed_precision.set_global_policy("mixed_bfloat16")   # or "mixed_float16" on CUDA

Under a mixed policy fit/evaluate/predict run their forward passes in torch.autocast; with
"mixed_float16", compile() wraps the optimizer in a LossScaleOptimizer (dynamic loss scaling), as
Keras 3 does with `auto_scale_loss=True`.
"""
from tkeras.mixed_precision.policy import (Policy, autocast_scope, global_policy, outputs_to_float32,
                                           set_global_policy, set_policy)

# Keras 3 names.
DTypePolicy = Policy
dtype_policy = global_policy
set_dtype_policy = set_global_policy


def __getattr__(name):
    # The loss-scaling wrapper loads on first use: it brings the optimizers with it, which every layer's
    # import of the policy would otherwise pay for.
    if name == "LossScaleOptimizer":
        from tkeras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer
        return LossScaleOptimizer
    if name == "experimental":
        return _experimental()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _experimental():
    from tkeras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

    class experimental:  # noqa: N801 - Keras 2.3/2.4 spelled these tf.keras.mixed_precision.experimental.*
        pass

    experimental.Policy = Policy
    experimental.LossScaleOptimizer = LossScaleOptimizer
    experimental.set_policy = staticmethod(set_policy)
    experimental.global_policy = staticmethod(global_policy)
    globals()["experimental"] = experimental
    return experimental


def __dir__():
    return sorted(set(globals()) | {"LossScaleOptimizer", "experimental"})


__all__ = ["Policy", "DTypePolicy", "LossScaleOptimizer", "global_policy", "set_global_policy", "set_policy",
           "dtype_policy", "set_dtype_policy", "autocast_scope", "outputs_to_float32"]
