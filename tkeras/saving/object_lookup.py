"""Which tkeras class or function a config's names mean: the tables behind `deserialize_keras_object`.

A Keras config names its object by `class_name` and says where it lives by `module` ("keras.layers",
"keras.initializers", "keras.src.models.functional", "builtins" for Keras' own functions, ...). The
`module` only *selects* one of tkeras' own namespaces, in which the name is then looked up in a table
of that namespace's public classes (or functions); nothing is ever imported, and no attribute is read,
by a name taken from a config. That is also how two classes of one name stay apart: `Identity` is a
layer under "keras.layers" and an initializer under "keras.initializers".
"""
import functools
import inspect

# tkeras namespaces a config may select, by the name Keras writes after "keras." (or "keras.src.").
NAMESPACES = ("layers", "models", "initializers", "optimizers", "optimizers.schedules", "losses", "metrics",
              "regularizers", "constraints", "activations", "dtype_policies", "quantizers", "distillation")
# Without a (known) module: model files hold layers and models mostly, so those come first. Losses
# come before metrics (`BinaryCrossentropy` in a config without a module is the loss more often).
CLASS_SEARCH_ORDER = ("layers", "models", "optimizers", "optimizers.schedules", "initializers", "losses",
                      "metrics", "regularizers", "constraints", "dtype_policies", "quantizers", "distillation")
# A function written with module "builtins" is one of Keras' own: Keras searches these namespaces.
FUNCTION_SEARCH_ORDER = ("activations", "losses", "metrics")
# Public classes a namespace loads on first access without listing them in dir().
_LAZY_CLASSES = {"optimizers": ("LossScaleOptimizer",)}
# Helpers of a namespace that are not objects a config may name.
_NOT_OBJECTS = {"get", "serialize", "deserialize"}
_PREFIXES = ("keras.src.", "keras.", "tf_keras.src.", "tf_keras.", "tensorflow.keras.", "tensorflow.python.keras.")
# Layers Keras' applications define privately and write as `keras.src.applications.<family>`: the class
# name -> the tkeras.applications module holding it (a fixed table, never a config's module string).
_APPLICATION_LAYERS = {"LayerScale": "convnext", "StochasticDepth": "convnext",
                       "CustomScaleLayer": "inception_resnet_v2"}


def namespace_of_module(module):
    """The tkeras namespace a config's `module` selects, or None (unknown, or not given).

    "keras" alone is the top level (Sequential, Model); Keras 3.0 and the `keras.src.*` paths Keras
    writes for classes without a public name ("keras.src.models.functional") select by their first
    component, as do tf-keras' "tf_keras.*" paths."""
    if not isinstance(module, str):
        return None
    if module in ("keras", "tf_keras", "tensorflow.keras"):
        return "models"
    for prefix in _PREFIXES:
        if module.startswith(prefix):
            parts = module[len(prefix):].split(".")
            break
    else:
        return None
    if parts[0] == "optimizers" and len(parts) > 1 and parts[1] == "schedules":
        return "optimizers.schedules"
    if parts[0] in ("engine", "saving"):  # tf-keras' keras.engine.functional / keras.engine.sequential
        return "models"
    if parts[0] == "ops":
        return "ops"
    return parts[0] if parts[0] in NAMESPACES else None


def _module_for(name):
    import importlib
    return importlib.import_module(f"tkeras.{name}")  # one of NAMESPACES: fixed names, never a config's


@functools.lru_cache(maxsize=None)
def classes_of(namespace):
    """Public classes of a tkeras namespace by every public name (aliases included)."""
    if namespace not in NAMESPACES:
        return {}
    module = _module_for(namespace)
    table = {}
    for name in list(dir(module)) + list(_LAZY_CLASSES.get(namespace, ())):
        if name.startswith("_") or name in _NOT_OBJECTS:
            continue
        value = getattr(module, name, None)
        if inspect.isclass(value):
            table[name] = value
    if namespace == "models":
        _add_model_classes(table)
    if namespace == "layers":
        # tf-keras 2 layers that never left `layers.experimental` (a tf-keras file names them bare).
        from tkeras.layers.experimental import (DynamicEmbedding, DynamicLookup, RandomFourierFeatures,
                                                SyncBatchNormalization)
        table["RandomFourierFeatures"] = RandomFourierFeatures
        table["SyncBatchNormalization"] = SyncBatchNormalization
        table["DynamicEmbedding"], table["DynamicLookup"] = DynamicEmbedding, DynamicLookup
        # keras.utils.FeatureSpace is a layer, and `FeatureSpace.save` writes it as a layer file.
        from tkeras.utils.feature_space import FeatureSpace
        table["FeatureSpace"] = FeatureSpace
        # Keras 1 layers that only old scripts reach (through the import hook's keras.layers).
        from tkeras.layers.core.keras1_dense import Highway, MaxoutDense
        table["Highway"], table["MaxoutDense"] = Highway, MaxoutDense
        # tf-keras 2's layers for tf.* calls, slicing and symbolic add_loss/add_metric (never public there).
        from tkeras.layers.core.tf_op_layers import CLASSES as TF_KERAS2_OP_LAYERS
        table.update(TF_KERAS2_OP_LAYERS)
    return table


def _add_model_classes(table):
    from tkeras import models
    # Not a public Keras name: Keras 3 finds it by its source module and registered name only.
    table["Functional"] = getattr(models, "Functional", table.get("Model"))
    # A functional model's operator nodes (`x * 2.0`): the class checks its operation against the
    # allow-list of public ops, so naming it lets no file name anything else.
    from tkeras.models.functional_ops import OperatorLayer
    table["OperatorLayer"] = OperatorLayer


@functools.lru_cache(maxsize=None)
def functions_of(namespace):
    """Public functions of a tkeras namespace (activations, losses, metrics) by name."""
    if namespace not in NAMESPACES:
        return {}
    module = _module_for(namespace)
    table = {}
    for name in dir(module):
        if name.startswith("_") or name in _NOT_OBJECTS:
            continue
        value = getattr(module, name)
        if inspect.isfunction(value) or (callable(value) and not inspect.isclass(value) and not inspect.ismodule(value)
                                         and getattr(value, "__module__", "").startswith("tkeras.")):
            table[name] = value
    return table


def find_class(name, module=None, prefer=None):
    """The tkeras class `name` means: in the namespace `module` selects (or `prefer`, the namespace a
    `keras.<ns>.deserialize` call was made in), else the first namespace of CLASS_SEARCH_ORDER."""
    if not isinstance(name, str):
        return None
    selected = namespace_of_module(module)
    order = [ns for ns in (selected, prefer) if ns in NAMESPACES]
    if selected == "models":
        order.append("layers")  # "keras" top level: Sequential and Model, but also Input/InputLayer
    order += [ns for ns in CLASS_SEARCH_ORDER if ns not in order]
    for namespace in order:
        found = classes_of(namespace).get(name)
        if found is not None:
            return found
    return application_layer(name, module)


def application_layer(name, module=None):
    """A layer class Keras' applications keep private (ConvNeXt's LayerScale, ...), or None."""
    if name in _APPLICATION_LAYERS and (module is None or ".applications." in f".{module}."):
        import importlib
        return getattr(importlib.import_module(f"tkeras.applications.{_APPLICATION_LAYERS[name]}"), name)
    return None


def find_function(name, module=None, prefer=None):
    """The tkeras function `name` means (activations, losses, metrics), by the same rules."""
    if not isinstance(name, str):
        return None
    selected = namespace_of_module(module)
    order = [ns for ns in (selected, prefer) if ns in FUNCTION_SEARCH_ORDER]
    order += [ns for ns in FUNCTION_SEARCH_ORDER if ns not in order]
    for namespace in order:
        found = functions_of(namespace).get(name)
        if found is not None:
            return found
    return None


def public_module_of(obj):
    """The `module` Keras writes for a tkeras class or function: the public namespace that exports it
    ("keras.layers"), "keras" for Sequential/Model, or None when tkeras does not export it."""
    cls = obj if inspect.isclass(obj) else None
    name = getattr(obj, "__name__", None)
    source = getattr(obj, "__module__", "") or ""
    if not source.startswith("tkeras.") or name is None:
        return None
    if cls is not None and name in ("Sequential", "Model", "DTypePolicy", "FloatDTypePolicy"):
        return "keras"  # Keras writes the module of its first public name: keras.DTypePolicy
    if cls is not None and source == f"tkeras.applications.{_APPLICATION_LAYERS.get(name)}":
        return f"keras.src.{source[len('tkeras.'):]}"
    for namespace in ("optimizers.schedules",) + tuple(ns for ns in NAMESPACES if ns != "optimizers.schedules"):
        table = classes_of(namespace) if cls is not None else functions_of(namespace)
        if table.get(name) is obj:
            return f"keras.{namespace}"
    return None
