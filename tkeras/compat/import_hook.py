"""An import hook that answers `keras`, `tensorflow`, `tf_keras` and their submodules with tkeras.

Each aliased module is a thin proxy whose attributes are looked up on the tkeras module behind it:
the real tkeras modules are never renamed or modified, and the hook can be removed again. Names that
tkeras doesn't have fail with one line naming the API (`keras.layers.Foo is not supported in tkeras`).
"""
import difflib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

from tkeras.compat.aliases import COMPANIONS, LEGACY, ROOTS, TENSORFLOW_ROOT
from tkeras.compat.legacy_apis import unsupported_keras_message


class UnsupportedAPIError(AttributeError):
    """An API of Keras/TensorFlow that tkeras does not provide (`from x import Name` reports it too).

    The message names the API and, when tkeras has a similarly spelled name, suggests it. It is built
    only when shown, since `hasattr(keras.layers, "X")` raises (and drops) one of these each time.
    """

    def __init__(self, api, candidates=()):
        super().__init__(api)
        self.api = api
        self._candidates = candidates

    def __str__(self):
        known = unsupported_keras_message(self.api)  # a removed legacy API: its version and replacement
        if known is not None:
            return known
        message = f"{self.api} is not supported in tkeras"
        name = self.api.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(name, [c for c in self._candidates if not c.startswith("_")], n=1)
        return message + (f" (did you mean {self.api.rsplit('.', 1)[0]}.{close[0]}?)" if close else "")


def resolve(fullname):
    """The tkeras module behind an aliased module path, or None if the path isn't ours."""
    for root in sorted(ROOTS, key=len, reverse=True):
        if fullname == root or fullname.startswith(root + "."):
            rest = _public_path(fullname[len(root) + 1:])
            if not rest:
                return ROOTS[root]
            if rest in LEGACY:
                target = LEGACY[rest]
                return target if target is not None else ""
            return f"{ROOTS[root]}.{rest}"
    if fullname == "tensorflow" or fullname.startswith("tensorflow."):
        rest = fullname[len("tensorflow") + 1:]
        return TENSORFLOW_ROOT if not rest else f"{TENSORFLOW_ROOT}.{rest}"
    return None


def _public_path(rest):
    """The public module path that a private `src.` one stands for.

    Keras 3 and tf-keras 2.16+ keep their code under `keras.src` / `tf_keras.src`, laid out like the
    public API (`keras.src.ops` holds what `keras.ops` shows, `tf_keras.src.engine.base_layer` is the
    old `keras.engine.base_layer`); libraries such as KerasTuner import from there, so the path maps as
    its public twin does.
    """
    if rest == "src" or rest.startswith("src."):
        return rest[len("src."):]
    return rest


class AliasModule(types.ModuleType):
    """A module under an old name that forwards every attribute to a tkeras module.

    Lookups go to the module's legacy companion first (names only old code uses, `aliases.COMPANIONS`),
    then to the tkeras module, then to a submodule of the old name (`tf.keras.optimizers.legacy`,
    `keras.preprocessing.image` reached as attributes).
    """

    def __init__(self, name, target):
        super().__init__(name)
        object.__setattr__(self, "_tkeras_target", target)
        companion = COMPANIONS.get(target.__name__)
        object.__setattr__(self, "_tkeras_companion", importlib.import_module(companion) if companion else None)
        self.__path__ = []  # a package, so that `import keras.layers.core` works below it
        # Python quotes __file__ when `from keras.x import Missing` fails: make that line say why.
        self.__file__ = f"not supported in tkeras; tkeras provides {name} from {target.__name__}"
        self.__doc__ = f"{name}: provided by tkeras ({target.__name__})"

    def __getattr__(self, attr):
        target = object.__getattribute__(self, "_tkeras_target")
        companion = object.__getattribute__(self, "_tkeras_companion")
        if attr == "__all__":  # `from keras.layers import *`, as Keras 1/2 examples start
            return _public_names(target, companion)
        try:
            value = getattr(companion, attr) if companion is not None and hasattr(companion, attr) else getattr(
                target, attr)
        except ModuleNotFoundError as error:  # a lazily loaded tkeras module that does not exist
            if error.name != f"{target.__name__}.{attr}":
                raise
            raise UnsupportedAPIError(f"{self.__name__}.{attr}", dir(self)) from None
        except AttributeError as error:
            if attr.startswith("__"):
                raise
            value = self._submodule(attr)
            if value is not None:
                return value
            if unsupported_keras_message(f"{self.__name__}.{attr}") is None and "not supported in tkeras" in str(error):
                raise  # the tkeras module's own one-line message (with its hint, e.g. for TF1 names)
            raise UnsupportedAPIError(f"{self.__name__}.{attr}", dir(self)) from None
        if isinstance(value, types.ModuleType) and _FINDER in sys.meta_path:
            # `keras.layers` reached as an attribute is the alias too, so its errors say `keras.layers.X`.
            return self._submodule(attr) or value
        return value

    def _submodule(self, attr):
        if _FINDER not in sys.meta_path or resolve(f"{self.__name__}.{attr}") in (None, ""):
            return None
        try:
            return importlib.import_module(f"{self.__name__}.{attr}")
        except ModuleNotFoundError as error:
            if "not supported in tkeras" in str(error):
                return None
            raise

    def __dir__(self):
        target = object.__getattribute__(self, "_tkeras_target")
        companion = object.__getattribute__(self, "_tkeras_companion")
        names = {name for name in dir(target) if _listed_by_keras(target, name)}
        if companion is not None:  # its legacy names, whichever tkeras module defines them
            names |= {name for name in dir(companion) if _listed_by_keras(companion, name, own_only=False)}
        return sorted(names)


# Submodules Keras lists in its API packages (`keras.optimizers.schedules`, `keras.preprocessing.image`...).
_KERAS_SUBMODULES = {"experimental", "legacy", "schedules", "bounding_boxes", "image", "sequence", "text",
                     "scikit_learn"}
_EVERY_SUBMODULE_PUBLIC = {"tkeras", "tkeras.applications", "tkeras.datasets"}
# tkeras' plumbing that API packages import (name lookups, lazy exports), never listed by Keras.
_HELPER_MODULES = {"tkeras._lazy_exports", "tkeras._missing_names", "tkeras.utils.lookup"}


def _listed_by_keras(target, name, own_only=True):
    """Whether `dir(keras.<module>)` shows `name`: not the helpers a tkeras module imports for its own
    code (`torch`, `np`, `functools`, `lookup_error`...), which Keras' API modules don't list (Hands-On
    ML prints `[m for m in dir(keras.activations) if not m.startswith("_")]`), nor tkeras' internal
    submodules. Names a module defines or re-exports from tkeras, Keras' own submodules and names
    loaded lazily stay."""
    value = target.__dict__.get(name)
    if value is None:
        return True
    own_tree = target.__name__ + "."
    if isinstance(value, types.ModuleType):
        if not value.__name__.startswith(own_tree):
            return False
        # tkeras' own implementation modules (`layers.layer_attributes`) are no Keras API; the root's
        # submodules and those of the packages whose every submodule is public are.
        return target.__name__ in _EVERY_SUBMODULE_PUBLIC or value.__name__[len(own_tree):] in _KERAS_SUBMODULES
    origin = getattr(value, "__module__", None) if isinstance(value, (type, types.FunctionType)) else None
    if origin is None:
        return True
    if not origin.startswith("tkeras"):
        return False
    if origin in _HELPER_MODULES and not origin.startswith(own_tree):
        return False
    return not own_only or hasattr(target, "__path__") or origin == target.__name__


# The submodules `from keras import *` binds (Keras 3's API packages and tf.keras 2's `experimental`);
# tkeras' own top-level packages (`data`, `training`, `compat`) stay out of the user's namespace.
_KERAS_TOP_LEVEL_MODULES = {
    "activations", "applications", "backend", "callbacks", "config", "constraints", "datasets", "distillation",
    "distribution", "dtype_policies", "experimental", "export", "initializers", "layers", "legacy", "losses",
    "metrics", "mixed_precision", "models", "ops", "optimizers", "preprocessing", "quantizers", "random",
    "regularizers", "saving", "tree", "utils", "visualization", "wrappers"}


def _binds_on_star_import(target, name):
    value = getattr(target, name, None) if target.__name__ == "tkeras" else target.__dict__.get(name)
    if not isinstance(value, types.ModuleType):
        return True
    if target.__name__ == "tkeras":
        return name in _KERAS_TOP_LEVEL_MODULES
    return _listed_by_keras(target, name)


def _public_names(target, companion):
    """What `from <alias> import *` binds: the tkeras module's public names (its `__all__` if it has one,
    else every name without a leading underscore that is not a module it imported, though Keras' own
    API submodules stay: `from keras import *` binds `layers`, `ops`, ..., which KerasTuner's backend
    re-exports) and the names the legacy companion defines itself (not the helpers it imports)."""
    names = getattr(target, "__all__", None)
    if names is None:
        names = [name for name in dir(target) if not name.startswith("_") and _binds_on_star_import(target, name)]
    if companion is not None:
        names = list(names) + [name for name, value in vars(companion).items() if not name.startswith("_")
                               and getattr(value, "__module__", None) == companion.__name__]
    return sorted(set(names))


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target_name):
        self.target_name = target_name

    def create_module(self, spec):
        if not self.target_name:
            message = unsupported_keras_message(spec.name) or f"{spec.name} is not supported in tkeras"
            raise ModuleNotFoundError(message, name=spec.name)
        try:
            target = importlib.import_module(self.target_name)
        except ModuleNotFoundError as error:
            if error.name and (error.name == self.target_name or self.target_name.startswith(error.name + ".")):
                namespace = _namespace_object(self.target_name) if error.name == self.target_name else None
                if namespace is not None:
                    return NamespaceModule(spec.name, namespace)
                message = unsupported_keras_message(spec.name) or f"{spec.name} is not supported in tkeras"
                raise ModuleNotFoundError(message, name=spec.name) from None
            raise
        return AliasModule(spec.name, target)

    def exec_module(self, module):
        pass


def _namespace_object(target_name):
    """The tkeras stand-in object for a TensorFlow module that tkeras keeps as an attribute rather than a
    module (`tf.data.experimental` is a Namespace in `tf_namespace/data.py`), or None."""
    from tkeras.compat.tf_namespace._unsupported import Namespace
    parent_name, _, leaf = target_name.rpartition(".")
    try:
        parent = importlib.import_module(parent_name)
    except ModuleNotFoundError:
        return None
    value = parent.__dict__.get(leaf)
    return value if isinstance(value, Namespace) else None


class NamespaceModule(types.ModuleType):
    """`from tensorflow.data.experimental import AUTOTUNE`: TensorFlow's submodule, importable, whose
    names (and one-line errors for missing ones) are those of tkeras' stand-in object."""

    def __init__(self, name, namespace):
        super().__init__(name)
        object.__setattr__(self, "_tkeras_namespace", namespace)
        self.__path__ = []
        self.__file__ = f"not supported in tkeras; tkeras provides {name} from its stand-in object"

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(object.__getattribute__(self, "_tkeras_namespace"), attr)

    def __dir__(self):
        return sorted(name for name in vars(object.__getattribute__(self, "_tkeras_namespace"))
                      if not name.startswith("_"))


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        target_name = resolve(fullname)
        if target_name is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name), is_package=True)


_FINDER = KerasAliasFinder()
_ALIAS_ROOTS = ("keras", "tensorflow", "tf_keras")


def install():
    """Make `import keras` / `import tensorflow` resolve to tkeras in this process (e.g. a notebook).

    Modules of a real keras/tensorflow imported earlier are dropped from `sys.modules` (objects the
    user already holds keep working); later imports get tkeras.
    """
    if _FINDER not in sys.meta_path:
        _forget_modules(lambda module: not isinstance(module, (AliasModule, NamespaceModule)))
        sys.meta_path.insert(0, _FINDER)


def uninstall():
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    _forget_modules(lambda module: isinstance(module, (AliasModule, NamespaceModule)))


def _forget_modules(predicate):
    for name in list(sys.modules):
        if name.split(".")[0] in _ALIAS_ROOTS and predicate(sys.modules[name]):
            del sys.modules[name]
