"""keras.export.ExportArchive: Keras' SavedModel builder refuses with the route tkeras offers."""
import pytest

import tkeras as keras


def test_export_archive_names_the_replacement():
    with pytest.raises(NotImplementedError, match="needs TensorFlow.*format='onnx'.*torch_module"):
        keras.export.ExportArchive()
    with pytest.raises(NotImplementedError, match="neptune_model"):
        keras.export.ExportArchive(format="neptune_model")
    with pytest.raises(ValueError, match="unsupported format='tflite'"):
        keras.export.ExportArchive(format="tflite")
