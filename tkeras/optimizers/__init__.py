"""`keras.optimizers`: optimizer classes, learning-rate schedules, and `get/serialize/deserialize`.

`get('adam')`, `get('Adam')`, `get('RMSprop')`, a config dict (Keras 1, 2 or 3 form) or an instance all
give an optimizer; unknown names raise a ValueError listing the valid ones and the closest match.
Keras 2's `keras.optimizers.legacy.*` and `optimizer_v2` names resolve here too (see tkeras.compat).
"""
import importlib
import inspect

from tkeras._lazy_exports import lazy_exports
from tkeras.optimizers import schedules
from tkeras.optimizers.optimizer import Optimizer
from tkeras.utils.lookup import canonical, lookup_error

# Each optimizer loads with its module on first use (a program uses one or two of them).
_CLASSES = {
    "SGD": "sgd", "RMSprop": "rmsprop", "Adam": "adam", "AdamW": "adam", "Adagrad": "adagrad",
    "Adadelta": "adadelta", "Adamax": "adamax", "Nadam": "nadam", "Lion": "lion", "Adafactor": "adafactor",
    "Ftrl": "ftrl", "Lamb": "lamb", "Muon": "muon", "ScheduleFreeAdamW": "schedule_free_adamw",
    "MultiOptimizer": "multi_optimizer", "OptimizerMap": "multi_optimizer",
}
_LAZY = {name: (f"tkeras.optimizers.{module}", name) for name, module in _CLASSES.items()}
# Keras 3 exports the loss-scaling wrapper here; it lives with the mixed-precision policy. tf-keras 2's
# `.experimental.AdamW` is the same class as here; `optimizers.legacy` holds the same classes but for
# OptimizerV2's RMSprop and Nadam arithmetic (see legacy.py).
_LAZY.update({"LossScaleOptimizer": ("tkeras.mixed_precision", "LossScaleOptimizer"),
              "legacy": ("tkeras.optimizers.legacy", None), "experimental": (__name__, None)})
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

# canonical name ('rmsprop') -> class name, for `get('RMSprop')` and configs
_BY_NAME = {name.lower(): name for name in _CLASSES if name != "OptimizerMap"}


def _find(name, custom_objects=None):
    from tkeras.saving.object_scope import active_custom_objects
    from tkeras.saving.serialization import get_registered_object
    scoped = {**active_custom_objects(), **(custom_objects or {})}
    if name in scoped:
        return scoped[name]
    short = str(name).split(">")[-1].split(".")[-1]
    found = _BY_NAME.get(canonical(short))
    if found is not None:
        return __getattr__(found)
    if name == "LossScaleOptimizer":
        return __getattr__(name)
    registered = get_registered_object(name, scoped)
    return registered if inspect.isclass(registered) else None


def serialize(optimizer):
    """The Keras 3 config dict of an optimizer (`module`, `class_name`, `config`, `registered_name`)."""
    if optimizer is None or isinstance(optimizer, str):
        return optimizer
    cls = type(optimizer)
    module = cls.__module__
    return {"module": "keras.optimizers" if module.startswith("tkeras.") else module,
            "class_name": cls.__name__, "config": optimizer.get_config(),
            "registered_name": getattr(cls, "_registered_name", None)}


def deserialize(config, custom_objects=None):
    """An optimizer from a config dict: Keras 3 (`module/class_name/config`), Keras 2 or Keras 1."""
    if isinstance(config, str):
        return get(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"optimizers.deserialize: expected a dict with 'class_name' and 'config', "
                         f"received {config!r}")
    cls = None
    for name in (config.get("registered_name"), config["class_name"]):
        if isinstance(name, str):
            cls = _find(name, custom_objects)
            if cls is not None:
                break
    if cls is None:
        raise lookup_error("optimizer", config["class_name"], list(_BY_NAME))
    inner = dict(config.get("config") or {})
    if config.get("module") == "keras.optimizers.legacy" or inner.get("is_legacy_optimizer") is True:
        cls = _legacy_counterpart(cls)
    try:
        takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        takes_custom = False
    return cls.from_config(inner, custom_objects=custom_objects) if takes_custom else cls.from_config(inner)


def _legacy_counterpart(cls):
    """The `optimizers.legacy` class for a config tf-keras 2 marked as OptimizerV2's (its `.keras` files name
    the module `keras.optimizers.legacy`), where it computes differently (RMSprop, Nadam); any other class
    stands for itself. tkeras writes its own legacy optimizers as `keras.optimizers` ones, which Keras 3 can
    read (it refuses the legacy module), so they come back as the current classes."""
    counterpart = getattr(importlib.import_module("tkeras.optimizers.legacy"), cls.__name__, None)
    return counterpart if inspect.isclass(counterpart) and issubclass(counterpart, cls) else cls


def get(identifier):
    """An optimizer from a name ('adam', 'RMSprop'), a config dict, a class or an instance."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _find(identifier)
        if cls is None:
            raise lookup_error("optimizer", identifier, list(_BY_NAME))
        return cls()
    if inspect.isclass(identifier) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, Optimizer) or hasattr(identifier, "step_from_grads") or hasattr(
            identifier, "apply_gradients"):
        return identifier
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r} (expected a name such as "
                     f"'adam', a config dict or an optimizer instance)")


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion",
           "Adafactor", "Ftrl", "Lamb", "Muon", "ScheduleFreeAdamW", "MultiOptimizer", "OptimizerMap",
           "LossScaleOptimizer", "schedules", "get", "serialize", "deserialize"]
