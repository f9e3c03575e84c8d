"""`keras.config`: the process-wide settings Keras 3 gathers in one namespace.

Numeric settings (floatx, epsilon, image layout) live in tkeras.backend.config, the dtype policy in
tkeras.mixed_precision, the logging switch in tkeras.utils.io_utils; this module names them the way
Keras 3 does and adds the debugging caps `max_epochs` / `max_steps_per_epoch` (also read from
`KERAS_MAX_EPOCHS` / `KERAS_MAX_STEPS_PER_EPOCH`; tkeras' own `TKERAS_MAX_EPOCHS` still applies).

Switches without an effect on this engine are kept so code that sets them runs: flash attention
(torch's `scaled_dot_product_attention` picks its kernel itself), traceback filtering (tkeras shows
tracebacks unfiltered), NNX (a JAX feature, always off).
"""
import os

from tkeras.backend.config import (  # noqa: F401 - re-exported as keras.config.*
    device, dtype_name, enable_unsafe_deserialization, epsilon, floatx, image_data_format, set_device,
    set_epsilon, set_floatx, set_image_data_format, standardize_dtype,
)
from tkeras.utils.io_utils import (  # noqa: F401
    disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled,
)


def _from_environment(name):
    value = os.environ.get(name)
    return int(value) if value else None


_MAX_EPOCHS = _from_environment("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _from_environment("KERAS_MAX_STEPS_PER_EPOCH")
_FLASH_ATTENTION = None  # None: let the kernel decide, as Keras' default
_TRACEBACK_FILTERING = True


def backend():
    """The name of the engine: always "torch" (Keras 3 reports its backend the same way)."""
    return "torch"


def set_backend(backend):
    if backend != "torch":
        raise ValueError(f"keras.config.set_backend: tkeras runs on PyTorch only; received backend={backend!r} "
                         f"(use real Keras for 'jax' or 'tensorflow')")


def dtype_policy():
    """The global dtype policy (`keras.mixed_precision.Policy`), float32 unless set."""
    from tkeras.mixed_precision import global_policy
    return global_policy()


def set_dtype_policy(policy):
    """Set the global dtype policy, e.g. "mixed_float16" (same as mixed_precision.set_global_policy)."""
    from tkeras.mixed_precision import set_global_policy
    set_global_policy(policy)


def _check_cap(name, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"keras.config.set_{name}: expected a positive int or None, received {value!r}")


def max_epochs():
    """The cap on `epochs` of every fit() (None: no cap)."""
    return _MAX_EPOCHS


def set_max_epochs(max_epochs):
    """Cap the epochs of every later fit() (a debugging aid: a whole script runs quickly). None lifts it."""
    global _MAX_EPOCHS
    _check_cap("max_epochs", max_epochs)
    _MAX_EPOCHS = max_epochs


def max_steps_per_epoch():
    """The cap on the batches of one epoch of fit/evaluate/predict (None: no cap)."""
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the batches per epoch of every later fit/evaluate/predict. None lifts it."""
    global _MAX_STEPS_PER_EPOCH
    _check_cap("max_steps_per_epoch", max_steps_per_epoch)
    _MAX_STEPS_PER_EPOCH = max_steps_per_epoch


def enable_flash_attention():
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = True


def disable_flash_attention():
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled():
    """True/False once set, None by default (torch chooses the attention kernel)."""
    return _FLASH_ATTENTION


def enable_traceback_filtering():
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled():
    return _TRACEBACK_FILTERING


def is_nnx_enabled():
    """Flax NNX integration is a JAX feature: never enabled here."""
    return False
