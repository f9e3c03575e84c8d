"""`keras.optimizers.schedules`: learning-rate schedules and their (de)serialization by Keras name."""
from tkeras.optimizers.schedules.learning_rate_schedule import (
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, LearningRateSchedule,
    PiecewiseConstantDecay, PolynomialDecay,
)
from tkeras.utils.lookup import lookup_error

_SCHEDULES = {cls.__name__: cls for cls in (
    LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
    CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """The Keras 3 config dict (`module`, `class_name`, `config`, `registered_name`)."""
    cls = type(learning_rate_schedule)
    module = cls.__module__
    if module.startswith("tkeras."):
        module = "keras.optimizers.schedules"
    return {"module": module, "class_name": cls.__name__, "config": learning_rate_schedule.get_config(),
            "registered_name": getattr(cls, "_registered_name", None)}


def deserialize(config, custom_objects=None):
    """A schedule from a Keras 3 or Keras 2 (`class_name` + `config`) dict; custom classes come from
    `custom_objects`, a `custom_object_scope` or `@register_keras_serializable`."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"optimizers.schedules.deserialize: expected a dict with 'class_name' and 'config', "
                         f"received {config!r}")
    from tkeras.saving.object_scope import active_custom_objects
    from tkeras.saving.serialization import get_registered_object
    scoped = {**active_custom_objects(), **(custom_objects or {})}
    cls = None
    for name in (config.get("registered_name"), config["class_name"]):
        if isinstance(name, str):
            cls = scoped.get(name) or _SCHEDULES.get(name) or get_registered_object(name, scoped)
            if cls is not None:
                break
    if cls is None:
        raise lookup_error("learning rate schedule", config["class_name"], list(_SCHEDULES))
    return cls.from_config(dict(config.get("config") or {}))


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
           "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]
