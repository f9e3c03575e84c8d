"""`tf.data.Options` and its option groups. Pipelines here run in the caller's thread with no graph
optimizer, so every knob is stored and readable (scripts set and print them) but changes nothing."""


class _OptionGroup:
    """Attributes may be set freely; an unset one reads as None, as TensorFlow's unset options."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __repr__(self):
        return f"{type(self).__name__}({vars(self)})"


class AutotuneOptions(_OptionGroup):
    pass


class OptimizationOptions(_OptionGroup):
    pass


class ThreadingOptions(_OptionGroup):
    pass


class DistributeOptions(_OptionGroup):
    pass


class Options(_OptionGroup):
    """Sub-groups exist from the start so `options.threading.private_threadpool_size = 8` works."""

    def __init__(self):
        self.autotune, self.threading = AutotuneOptions(), ThreadingOptions()
        self.experimental_optimization, self.experimental_distribute = OptimizationOptions(), DistributeOptions()
        self.experimental_threading = self.threading

    def merge(self, options):
        merged = Options()
        for source in (self, options):
            for key, value in vars(source).items():
                setattr(merged, key, value)
        return merged


class AutoShardPolicy:
    OFF, AUTO, FILE, DATA, HINT = -1, 0, 1, 2, 3


class ExternalStatePolicy:
    WARN, IGNORE, FAIL = 0, 1, 2


class AutotuneAlgorithm:
    DEFAULT, HILL_CLIMB, GRADIENT_DESCENT, MAX_PARALLELISM, STAGE_BASED = 0, 1, 2, 3, 4
