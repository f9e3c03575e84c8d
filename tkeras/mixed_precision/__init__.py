"""tkeras.mixed_precision: float32 weights, float16/bfloat16 arithmetic (Keras' mixed precision API).

    keras.mixed_precision.set_global_policy("mixed_bfloat16")   # or "mixed_float16" on CUDA

Under a mixed policy fit/evaluate/predict run their forward passes in torch.autocast; with
"mixed_float16", compile() wraps the optimizer in a LossScaleOptimizer (dynamic loss scaling), as
Keras 3 does with `auto_scale_loss=True`.
"""
from tkeras._lazy_exports import lazy_exports
from tkeras.mixed_precision.policy import (Policy, autocast_scope, global_policy, outputs_to_float32,
                                           set_global_policy, set_policy)

# Keras 3 names.
DTypePolicy = Policy
dtype_policy = global_policy
set_dtype_policy = set_global_policy


def _experimental():
    class experimental:  # noqa: N801 - Keras 2.3/2.4 spelled these tf.keras.mixed_precision.experimental.*
        pass

    experimental.Policy = Policy
    experimental.LossScaleOptimizer = __getattr__("LossScaleOptimizer")
    experimental.set_policy = staticmethod(set_policy)
    experimental.global_policy = staticmethod(global_policy)
    return experimental


# The loss-scaling wrapper loads on first use: it brings the optimizers with it, which every layer's
# import of the policy would otherwise pay for.
__getattr__, __dir__ = lazy_exports(
    __name__, {"LossScaleOptimizer": ("tkeras.mixed_precision.loss_scale_optimizer", "LossScaleOptimizer")},
    built={"experimental": _experimental})


__all__ = ["Policy", "DTypePolicy", "LossScaleOptimizer", "global_policy", "set_global_policy", "set_policy",
           "dtype_policy", "set_dtype_policy", "autocast_scope", "outputs_to_float32"]
