"""Writes tkeras/models/keras_op_classes.json: for each public op of Keras 3's `keras.ops`, the Operation
class Keras records it as in a functional graph (class name, module), the class' constructor
parameters (written into the node's config) and its `call` parameters (written as the node's args).
tkeras writes its own op nodes in that form (models/functional_ops.py), so real Keras reads them.

Facts only (names of classes and parameters); run by hand with real Keras in a scratch environment:

    KERAS_BACKEND=jax /tmp/kref/bin/python scripts/make_keras_op_classes.py

(Made with Keras 3.15.1.)
"""
import importlib
import inspect
import json
import os
import re

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tkeras", "models", "keras_op_classes.json")


def snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def main():
    import keras
    from keras.src.ops.operation import Operation
    classes = {}
    for module_name in ("numpy", "nn", "math", "core", "linalg", "image"):
        module = importlib.import_module(f"keras.src.ops.{module_name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Operation) and value.__module__ == module.__name__:
                classes.setdefault(snake_case(name), value)
    table = {}
    for function in sorted(n for n in dir(keras.ops) if not n.startswith("_")):
        cls = classes.get(function)
        if cls is None:
            continue
        init = [p for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
                if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name != "name"]
        call = [p for p in list(inspect.signature(cls.call).parameters.values())[1:]
                if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        table[function] = {"class_name": cls.__name__, "module": cls.__module__,
                           "init": [p.name for p in init],
                           "call": [p.name for p in call],
                           "call_required": [p.name for p in call if p.default is inspect.Parameter.empty]}
    with open(OUT, "w") as f:
        json.dump({"keras_version": keras.__version__, "ops": table}, f, indent=1, sort_keys=True)
    print(f"{len(table)} ops -> {OUT}")


if __name__ == "__main__":
    main()
