"""Public names a package lists but loads on first access (PEP 562 module `__getattr__`).

`import tkeras` runs every module it imports, about a millisecond each; most programs use a few of the
optimizers, callbacks and op modules. Packages list the rest in a table and load a name's module when
code first reads it, so the import stays close to torch's own while `dir()`, `from ... import *` and
the config registry still see every name.
"""
import importlib
import sys


def lazy_exports(package, table, missing_error=None, built=None):
    """`(__getattr__, __dir__)` for the package named `package`, whose `table` maps a public name to
    `(module, attribute)`, attribute None for the module itself, and `built` a name to a function of no
    arguments that makes its value (a namespace assembled from lazy names). A name found is stored in
    the package, so the next read is an ordinary attribute. `missing_error(package, name)` makes the
    error for a name neither lists (default: Python's AttributeError message)."""
    namespace = sys.modules[package].__dict__
    built = built or {}

    def __getattr__(name):
        entry = table.get(name)
        if entry is not None:
            value = importlib.import_module(entry[0])
            if entry[1] is not None:
                value = getattr(value, entry[1])
        elif name in built:
            value = built[name]()
        elif missing_error is not None:
            raise missing_error(package, name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(table) | set(built))

    return __getattr__, __dir__
