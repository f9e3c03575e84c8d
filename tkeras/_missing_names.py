"""The AttributeError a tkeras package raises for a name it does not have.

Python's own message, plus, when the name is a Keras/TensorFlow API tkeras knows it does not provide,
where that API comes from and its nearest replacement (the table in `compat/legacy_apis.py`). The hint
is looked up only when the message is shown: `from tkeras.utils import io_utils` and `hasattr()`
probes raise (and drop) these during ordinary imports, which must not load the compat layer.
"""


class MissingAttributeError(AttributeError):
    def __init__(self, package, name):
        super().__init__(f"module {package!r} has no attribute {name!r}")
        self.package, self.name = package, name

    def __str__(self):
        message = f"module {self.package!r} has no attribute {self.name!r}"
        if self.name.startswith("__"):
            return message
        from tkeras.compat.legacy_apis import unsupported_keras_message
        hint = unsupported_keras_message("keras" + self.package[len("tkeras"):] + "." + self.name)
        return f"{message}: {hint}" if hint else message
