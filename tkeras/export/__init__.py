"""tkeras.export: leaving tkeras for serving — ONNX files and plain torch modules.

    model.export("model.onnx", format="onnx")        # or tkeras.export.to_onnx(model, "model.onnx")
    module = model.torch_module()                    # a plain torch.nn.Module (InferenceModule)
"""
from tkeras.export.export_archive import ExportArchive
from tkeras.export.onnx import to_onnx
from tkeras.export.torch_module import InferenceModule

_FORMATS = ("onnx",)


def export_model(model, filepath, format="onnx", **kwargs):
    """What `Model.export` runs: dispatches on `format`."""
    if format == "onnx":
        return to_onnx(model, filepath, **kwargs)
    if format in ("tf_saved_model", "saved_model"):
        raise ValueError(f"Model.export(format={format!r}): TensorFlow SavedModel needs TensorFlow; tkeras exports "
                         f"format='onnx' (servable by onnxruntime, TensorRT, Triton) — or save with model.save()")
    raise ValueError(f"Model.export: unknown format {format!r}; supported formats are {list(_FORMATS)}")


__all__ = ["ExportArchive", "to_onnx", "InferenceModule", "export_model"]
