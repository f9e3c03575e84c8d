"""One clear error for TensorFlow APIs tkeras does not provide, raised from a module `__getattr__`."""


class UnsupportedTensorFlowAPI(AttributeError):
    """`tf.X` that tkeras does not implement; an AttributeError so `hasattr(tf, 'X')` stays False."""


def module_getattr(prefix):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedTensorFlowAPI(f"{prefix}.{name} is not supported in tkeras")
    return __getattr__
