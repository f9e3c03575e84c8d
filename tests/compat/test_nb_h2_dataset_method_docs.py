"""Hands-On ML ch. 13 lists the tf.data API by printing the first docstring line of every public
tf.data.Dataset method (`func.__doc__.split("\\n")[0]`); TensorFlow documents all of them, so none may be
None or empty in tkeras either."""
from tkeras.compat import tf_namespace as tf


def test_every_public_dataset_method_has_a_first_doc_line():
    lines = {}
    for name in dir(tf.data.Dataset):
        if not (name.startswith("_") or name.endswith("_")):
            func = getattr(tf.data.Dataset, name)
            if hasattr(func, "__doc__") and callable(func):
                lines[name] = func.__doc__.split("\n")[0]
    assert {"batch", "map", "shuffle", "prefetch", "from_tensor_slices", "window"} <= set(lines)
    assert [name for name, line in lines.items() if not line.strip()] == []
