"""A model <-> the JSON configs saved files carry: the architecture and how it was compiled.

Saving writes Keras 3's spelling (`module`/`class_name`/`config`/`registered_name`, plus
`build_config` and `compile_config`), which Keras 3 reads and tf-keras 2 reads for `.h5` files.
Loading takes every spelling Keras ever wrote (see `config_compat`), refuses unsafe configs first,
and turns every failure into a SavingError that names the file.
"""
import inspect
import warnings

from tkeras.saving import config_compat, object_lookup
from tkeras.saving import safe_mode as safe_mode_policy
from tkeras.saving.errors import FileLimitError, SavingError
from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object



def model_config(model):
    config = serialize_keras_object(model)
    shape = getattr(model, "_build_input_shape", None)
    if shape is not None and "build_config" not in config:
        config["build_config"] = {"input_shape": _jsonable(shape)}
    return _jsonable(config)


def compile_config(model):
    """Keras 3's `compile_config`, or None for a model that was never compiled."""
    if not getattr(model, "_compiled", False):
        return None
    return _jsonable({
        "optimizer": _serialize_optimizer(model.optimizer),
        "loss": _serialize_any(model.loss, "keras.losses"),
        "loss_weights": getattr(model.compiled_loss, "_loss_weights", None),
        "metrics": _serialize_any(getattr(model.compiled_metrics, "_spec", None), "keras.metrics"),
        "weighted_metrics": _serialize_any(getattr(model, "_weighted_metrics", None), "keras.metrics"),
        "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False,
    })


def _serialize_optimizer(optimizer):
    if optimizer is None or isinstance(optimizer, str):
        return optimizer
    try:
        from tkeras import optimizers
        serialize = getattr(optimizers, "serialize", None)
        if serialize is not None:
            return serialize(optimizer)
    except ImportError:
        pass
    config = serialize_keras_object(optimizer)
    config["module"] = "keras.optimizers"
    return config


def _serialize_any(value, module):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize_any(v, module) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_any(v, module) for k, v in value.items()}
    if hasattr(value, "get_config") and not inspect.isfunction(value):
        config = serialize_keras_object(value)
        config["module"] = module
        return config
    name = getattr(value, "__name__", None)
    if name:
        return {"module": module, "class_name": "function", "config": name, "registered_name": "function"}
    raise SavingError(f"Cannot serialize {value!r} (of type {type(value).__name__}) in the compile config")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


# -- loading ---------------------------------------------------------------------------------------
def check_config(config, filepath="<config>", custom_objects=None, safe_mode=True):
    """A model config's shape, depth and safe-mode rules, before anything in it is built."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise SavingError(f"{filepath}: the model config is not a Keras config "
                          f"(expected a dict with 'class_name', found {type(config).__name__})")
    safe_mode_policy.check_depth(config, filepath)
    config_compat.check_safe(config, filepath, custom_objects, safe_mode)


def model_from_config(config, filepath="<config>", custom_objects=None, safe_mode=True):
    check_config(config, filepath, custom_objects, safe_mode)
    config = config_compat.normalize(config)
    _check_known_classes(config, filepath, custom_objects)
    try:
        with safe_mode_policy.loading_scope(safe_mode):
            model = deserialize_keras_object(config, custom_objects=custom_objects)
    except SavingError:
        raise
    except RecursionError as exc:
        raise FileLimitError(f"{filepath}: the model config is nested too deeply to be a model (rule: nesting)") from exc
    except MemoryError as exc:
        raise FileLimitError(f"{filepath}: rebuilding the model from its config ran out of memory (rule: "
                             f"memory); the config asks for layers larger than this machine holds") from exc
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, NotImplementedError, RuntimeError,
            OverflowError) as exc:
        raise SavingError(f"{filepath}: cannot rebuild the model from its config: {exc}") from exc
    # A FeatureSpace file (FeatureSpace.save) holds a layer that is no model: load_model returns it too.
    if not hasattr(model, "layers") and not _is_feature_space(model):
        raise SavingError(f"{filepath}: the config describes a {type(model).__name__}, not a model")
    build = config.get("build_config") or {}
    shape = build.get("input_shape") if isinstance(build, dict) else None
    if not model.built and shape is not None:
        try:
            model.build(tuple(shape) if not isinstance(shape[0], (list, tuple)) else [tuple(s) for s in shape])
        except MemoryError as exc:
            raise FileLimitError(f"{filepath}: building the model for input shape {shape} ran out of memory "
                                 f"(rule: memory)") from exc
        except (ValueError, TypeError, RuntimeError, IndexError, KeyError, OverflowError) as exc:
            raise SavingError(f"{filepath}: cannot build the model for input shape {shape}: {exc}") from exc
    return model


def _check_known_classes(config, filepath, custom_objects):
    """Name the first unknown layer class before anything is built (a clear error, not a KeyError)."""
    from tkeras.models.keras_op_nodes import keras_operation
    from tkeras.saving.serialization import get_registered_object
    layers = _layer_configs(config)
    for entry in layers:
        if keras_operation(entry) is not None:
            continue  # an op node Keras 3 wrote: keras_operation checked it against the allow-list
        class_name = entry.get("class_name")
        if not isinstance(class_name, str):
            raise SavingError(f"{filepath}: a layer entry has no class_name: {str(entry)[:200]}")
        registered = entry.get("registered_name")
        found = get_registered_object(class_name, custom_objects) or (
            isinstance(registered, str) and get_registered_object(registered, custom_objects)) or \
            object_lookup.application_layer(class_name, entry.get("module"))
        if not found:
            name = entry.get("config", {}).get("name") if isinstance(entry.get("config"), dict) else None
            raise SavingError(
                f"{filepath}: layer {name!r} is of unknown class {class_name!r}. If it is a custom "
                f"layer, pass custom_objects={{{class_name!r}: {class_name}}} to the load call or "
                f"decorate the class with @keras.saving.register_keras_serializable()")


def _layer_configs(config):
    """The config and every layer entry inside it, at every nesting level: any entry holding a
    `layers` list is a model (Sequential, Functional, Model, or a subclass) and is opened too."""
    inner = config.get("config")
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if not isinstance(layers, list):
        return [config]
    result = [config]
    for entry in layers:
        if not isinstance(entry, dict):
            raise SavingError(f"a layer entry of the model config is not a dict: {str(entry)[:200]}")
        result.extend(_layer_configs(entry))
    return result


def users_compile_hook(obj):
    """The object's own `compile_from_config` (Keras' customizing-saving hook), or None where it has
    none or only tkeras' default one, which cannot name the file: loaders call `compile_from_config`
    below instead."""
    hook = getattr(obj, "compile_from_config", None)
    return None if hook is None or getattr(hook, "_tkeras_default", False) else hook


def compile_from_config(model, config, filepath, custom_objects=None):
    """Compile as the file says; a compile config tkeras cannot follow warns and leaves it uncompiled."""
    if not isinstance(config, dict):
        return
    try:
        optimizer = _optimizer_from_config(config.get("optimizer") or config.get("optimizer_config"),
                                           custom_objects)
        loss = _loss_from_config(config.get("loss"), custom_objects)
        metrics = _metrics_from_config(config.get("metrics"), custom_objects)
        weighted_metrics = _metrics_from_config(config.get("weighted_metrics"), custom_objects)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics, weighted_metrics=weighted_metrics,
                      loss_weights=config.get("loss_weights"))
    except Exception as exc:  # as Keras: a model that loads but cannot be compiled is still usable
        warnings.warn(f"{filepath}: the model was loaded but not compiled ({exc}); call "
                      f"model.compile(...) before training it.", stacklevel=3)


def _optimizer_from_config(config, custom_objects):
    from tkeras import optimizers
    if config is None or isinstance(config, str):
        return optimizers.get(config or "rmsprop")
    config = config_compat.normalize(config)
    class_name = str(config.get("class_name", "")).split(">")[-1]
    inner = dict(config.get("config") or {})
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name].from_config(inner)
    try:  # Keras 3's rules (MultiOptimizer's nested optimizers, schedules, ...)
        return optimizers.deserialize(config, custom_objects=custom_objects)
    except (ValueError, TypeError, KeyError, AttributeError):
        pass  # Keras 1/2 configs with arguments tkeras' class does not take: keep the ones it does
    cls = type(optimizers.get(class_name))
    accepted = inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    kept = {k: v for k, v in inner.items() if k in accepted or (takes_any and k in ("lr", "decay"))}
    return cls(**kept)


def _loss_from_config(config, custom_objects):
    if config is None or isinstance(config, str):
        return config
    if isinstance(config, list):
        return [_loss_from_config(c, custom_objects) for c in config]
    if isinstance(config, dict) and "class_name" not in config:
        return {k: _loss_from_config(v, custom_objects) for k, v in config.items()}
    config = config_compat.normalize(config)
    if isinstance(config, str):
        return config
    custom = (custom_objects or {}).get(config.get("class_name"))
    if custom is not None and not inspect.isclass(custom):
        return custom  # a loss function given by the name it was saved under
    from tkeras import losses
    # A Loss subclass comes back as an instance made from its saved config (`model.loss.threshold`).
    return losses.deserialize(config, custom_objects=custom_objects)


def _metrics_from_config(config, custom_objects=None):
    """The compiled metrics: a name stays a name (so the logs keep its key); a serialized metric object
    comes back as that object with its arguments (MeanIoU's num_classes, thresholds, ...), or by its
    name when tkeras cannot rebuild it."""
    if config is None:
        return None
    if isinstance(config, dict) and "class_name" not in config:
        return {k: _metrics_from_config(v, custom_objects) for k, v in config.items()}
    from tkeras import metrics
    result = []
    for item in _flatten(config):
        if isinstance(item, dict):
            try:
                result.append(metrics.deserialize(item, custom_objects=custom_objects))
                continue
            except (ValueError, TypeError, KeyError, AttributeError):
                item = config_compat.normalize(item)
            inner = item.get("config") if isinstance(item, dict) else None
            result.append((inner or {}).get("name") or item.get("class_name"))
        elif item is not None:
            result.append(config_compat.normalize(item))
    return result


def _flatten(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def _is_feature_space(obj):
    from tkeras.utils.feature_space import FeatureSpace
    return isinstance(obj, FeatureSpace)
