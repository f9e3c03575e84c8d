"""tkeras.utils: the helpers Keras users import from `keras.utils`.

Heavier or optional parts are loaded on first use, so `import tkeras` stays fast.
"""
import importlib

from tkeras.utils.random import set_random_seed

# public name -> module that defines it (loaded on first access)
_LAZY = {
    "to_categorical": "tkeras.utils.numerical_utils",
    "normalize": "tkeras.utils.numerical_utils",
    "to_ordinal": "tkeras.utils.numerical_utils",
    "TimedThread": "tkeras.utils.timed_threads",
    "warmstart_embedding_matrix": "tkeras.utils.embedding_utils",
    "pad_sequences": "tkeras.preprocessing.sequence",
    "get_file": "tkeras.utils.file_utils",
    "Progbar": "tkeras.utils.progbar",
    "Sequence": "tkeras.utils.py_dataset",
    "PyDataset": "tkeras.utils.py_dataset",
    "plot_model": "tkeras.utils.model_visualization",
    "plot_history": "tkeras.utils.plot_history",
    "unpack_x_y_sample_weight": "tkeras.utils.batch_packing",
    "pack_x_y_sample_weight": "tkeras.utils.batch_packing",
    "register_keras_serializable": "tkeras.saving.serialization",
    "serialize_keras_object": "tkeras.saving.serialization",
    "deserialize_keras_object": "tkeras.saving.serialization",
    "custom_object_scope": "tkeras.saving.object_scope",
    "CustomObjectScope": "tkeras.saving.object_scope",
    "get_custom_objects": "tkeras.saving",
    "get_registered_name": "tkeras.saving.serialization",
    "get_registered_object": "tkeras.saving.serialization",
    "load_img": "tkeras.utils.image_utils",
    "img_to_array": "tkeras.utils.image_utils",
    "array_to_img": "tkeras.utils.image_utils",
    "save_img": "tkeras.utils.image_utils",
    "image_dataset_from_directory": "tkeras.utils.image_dataset_utils",
    "text_dataset_from_directory": "tkeras.utils.text_dataset_utils",
    "audio_dataset_from_directory": "tkeras.utils.audio_dataset_utils",
    "timeseries_dataset_from_array": "tkeras.utils.timeseries_dataset_utils",
    "split_dataset": "tkeras.utils.dataset_utils",
    "enable_interactive_logging": "tkeras.utils.io_utils",
    "disable_interactive_logging": "tkeras.utils.io_utils",
    "is_interactive_logging_enabled": "tkeras.utils.io_utils",
    "get_source_inputs": "tkeras.utils.source_inputs",
    "is_keras_tensor": "tkeras.backend.keras_tensor",
    "clear_session": "tkeras.backend.naming",
    "standardize_dtype": "tkeras.backend.dtypes",
    "Config": "tkeras.utils.config",
    "FeatureSpace": "tkeras.utils.feature_space",
    "SidecarEvaluator": "tkeras.utils.tensorflow_only",
    "StepsPerExecutionTuner": "tkeras.utils.tensorflow_only",
    "model_to_dot": "tkeras.utils.model_visualization",
    "SequenceEnqueuer": "tkeras.utils.enqueuers",
    "OrderedEnqueuer": "tkeras.utils.enqueuers",
    "GeneratorEnqueuer": "tkeras.utils.enqueuers",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in ("np_utils", "legacy", "bounding_boxes", "experimental"):
        # submodules: Keras 1's np_utils, tf-keras 2's experimental (DatasetCreator), Keras 3's others
        return importlib.import_module(f"tkeras.utils.{name}")
    from tkeras._missing_names import MissingAttributeError
    raise MissingAttributeError("tkeras.utils", name)


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"legacy", "bounding_boxes"})
