"""keras.export.ExportArchive: Keras' builder of TensorFlow SavedModels (and Neptune archives).

Both formats are TensorFlow programs, which tkeras cannot produce without TensorFlow; the class
exists so Keras code that reaches for it fails at once with the route tkeras offers instead.
"""

_KERAS_FORMATS = ("saved_model", "neptune_model")


class ExportArchive:
    """Refuses on construction: `format="saved_model"` (the default) and `"neptune_model"` need
    TensorFlow. Export with `model.export(path, format="onnx")`, or take `model.torch_module()` (a plain
    torch.nn.Module) to torch's own tooling."""

    def __init__(self, format="saved_model", **kwargs):
        if format not in _KERAS_FORMATS:
            raise ValueError(f"ExportArchive: unsupported format={format!r}; Keras' formats are "
                             f"{list(_KERAS_FORMATS)}")
        raise NotImplementedError(
            f"ExportArchive(format={format!r}) builds a TensorFlow SavedModel, which needs TensorFlow; tkeras "
            f"runs on PyTorch. Export with model.export('model.onnx', format='onnx') (onnxruntime, TensorRT, "
            f"Triton), or serve model.torch_module(), a plain torch.nn.Module, with torch's tooling")
