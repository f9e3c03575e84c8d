"""The errors tf.data raises where TensorFlow raises a `tf.errors` class (end of an iterator, a corrupt
TFRecord file). The classes live in compat/ (the TensorFlow face), which this package sits below and
must not import; when user code can name `tf.errors` that module is loaded, so it is looked up in
sys.modules, and plain Python errors of the same meaning stand in otherwise."""
import sys

_FALLBACKS = {"OutOfRangeError": StopIteration, "DataLossError": IOError, "NotFoundError": FileNotFoundError,
              "InvalidArgumentError": ValueError}


def tf_error(name, message):
    module = sys.modules.get("tkeras.compat.tf_namespace.errors")
    if module is not None:
        return getattr(module, name)(None, None, message)
    fallback = _FALLBACKS[name]
    return fallback(message)
