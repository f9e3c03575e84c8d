"""The public functions of every public class of Keras 3 (`keras3`) or tf-keras 2 (`tfk2`), run in that
library's venv; class_functions_compare.py lists what tkeras lacks."""
import json, sys, inspect, importlib, os
OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
os.makedirs(OUT, exist_ok=True)
flavor = sys.argv[1]
if flavor == "keras3":
    import keras  # noqa: F401 - the namespaces below are imported by name
    spaces = ["keras", "keras.layers", "keras.models", "keras.optimizers", "keras.metrics", "keras.losses",
              "keras.callbacks", "keras.initializers", "keras.regularizers", "keras.constraints", "keras.optimizers.schedules",
              "keras.utils", "keras.saving", "keras.dtype_policies", "keras.quantizers", "keras.random"]
else:
    import tf_keras  # noqa: F401 - the namespaces below are imported by name
    spaces = ["tf_keras", "tf_keras.layers", "tf_keras.models", "tf_keras.optimizers", "tf_keras.metrics", "tf_keras.losses",
              "tf_keras.callbacks", "tf_keras.initializers", "tf_keras.regularizers", "tf_keras.constraints",
              "tf_keras.optimizers.schedules", "tf_keras.utils", "tf_keras.preprocessing.image", "tf_keras.preprocessing.text",
              "tf_keras.preprocessing.sequence", "tf_keras.mixed_precision"]
out = {}
for space in spaces:
    mod = importlib.import_module(space)
    for name in dir(mod):
        if name.startswith("_"): continue
        obj = getattr(mod, name)
        if inspect.isclass(obj):
            attrs = sorted(a for a in dir(obj) if not a.startswith("_") and inspect.isfunction(inspect.getattr_static(obj, a, None)))
            out[space.replace("tf_keras", "keras") + "." + name] = attrs
json.dump(out, open(os.path.join(OUT, f"methods_{flavor}.json"), "w"))
print(len(out))
