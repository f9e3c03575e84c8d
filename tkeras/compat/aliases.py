"""Which tkeras module answers each module path that old Keras/TensorFlow code imports.

Keras moved things between versions (`keras.layers.recurrent` in Keras 1/2, `keras.layers` later;
`keras.utils.np_utils` until 2.x; `keras.initializations` in Keras 1); every path a tutorial used
resolves here. Paths not listed map by name (`keras.X.Y` -> `tkeras.X.Y`) when such a module exists.
"""

# Prefixes that mean "tkeras" (longest first when matching).
ROOTS = {
    "tensorflow.python.keras": "tkeras",
    "tensorflow.keras": "tkeras",
    "tensorflow.compat.v1.keras": "tkeras",
    "tensorflow.compat.v2.keras": "tkeras",
    "tf_keras": "tkeras",
    "keras": "tkeras",
}

# The TensorFlow namespace itself (tf.constant, tf.GradientTape, ...).
TENSORFLOW_ROOT = "tkeras.compat.tf_namespace"

# Legacy module paths below a Keras root -> the tkeras module that holds their names.
LEGACY = {
    "layers.core": "tkeras.layers",
    "layers.recurrent": "tkeras.layers",
    "layers.recurrent_v2": "tkeras.layers",
    "layers.embeddings": "tkeras.layers",
    "layers.convolutional": "tkeras.layers",
    "layers.convolutional_recurrent": "tkeras.layers",
    "layers.pooling": "tkeras.layers",
    "layers.normalization": "tkeras.layers",
    "layers.normalization_v2": "tkeras.layers",
    "layers.merge": "tkeras.layers",
    "layers.merging": "tkeras.layers",
    "layers.wrappers": "tkeras.layers",
    "layers.advanced_activations": "tkeras.layers",
    "layers.noise": "tkeras.layers",
    "layers.local": "tkeras.layers",
    "layers.experimental": "tkeras.layers.experimental",  # RandomFourierFeatures lives there; the rest forwards
    "layers.experimental.preprocessing": "tkeras.layers.experimental.preprocessing",
    "layers.preprocessing": "tkeras.layers",
    "layers.cudnn_recurrent": "tkeras.layers",
    "engine": "tkeras.models",
    "engine.topology": "tkeras.layers",
    "engine.training": "tkeras.models",
    "engine.sequential": "tkeras.models",
    "engine.functional": "tkeras.models",
    "engine.input_layer": "tkeras.layers",
    "engine.base_layer": "tkeras.layers",
    "engine.data_adapter": "tkeras.utils.batch_packing",  # tf.keras 2 custom train_step code
    "initializations": "tkeras.compat.legacy.initializations",  # Keras 1's functions of a shape
    "objectives": "tkeras.losses",
    "utils.np_utils": "tkeras.utils.np_utils",
    "utils.data_utils": "tkeras.utils",
    "utils.generic_utils": "tkeras.utils",
    "utils.vis_utils": "tkeras.utils",
    "utils.visualize_util": "tkeras.compat.legacy.visualize_util",  # Keras 1's plot(model, to_file=...)
    "utils.layer_utils": "tkeras.utils",
    "utils.conv_utils": "tkeras.utils",  # Keras 2.0-2.3's convert_kernel
    "utils.io_utils": "tkeras.utils",
    "utils.all_utils": "tkeras.utils",
    "preprocessing.text": "tkeras.preprocessing.text",
    "preprocessing.sequence": "tkeras.preprocessing.sequence",
    "preprocessing.image": "tkeras.preprocessing.image",  # ImageDataGenerator & co. (Keras 1/2)
    "preprocessing.image_dataset": "tkeras.utils.image_dataset_utils",  # TF 2.3-2.8 module paths
    "preprocessing.text_dataset": "tkeras.utils.text_dataset_utils",
    "preprocessing.timeseries": "tkeras.utils.timeseries_dataset_utils",
    "utils.image_dataset": "tkeras.utils.image_dataset_utils",  # Keras 2.9-2.12
    "utils.text_dataset": "tkeras.utils.text_dataset_utils",
    "utils.timeseries_dataset": "tkeras.utils.timeseries_dataset_utils",
    "backend.tensorflow_backend": "tkeras.backend",  # Keras 2: K.tensorflow_backend._get_available_gpus
    "optimizers.schedules": "tkeras.optimizers.schedules",
    "optimizers.legacy": "tkeras.optimizers.legacy",  # OptimizerV2 RMSprop/Nadam arithmetic, else the same classes
    "optimizers.experimental": "tkeras.optimizers",  # TF 2.9-2.15's new optimizers (`...experimental import AdamW`)
    "optimizer_v2": "tkeras.optimizers",
    "mixed_precision.experimental": "tkeras.mixed_precision",
    "saving.legacy": "tkeras.saving",
    "wrappers.scikit_learn": "tkeras.wrappers.scikit_learn",  # Keras 2's KerasClassifier/KerasRegressor
    "random": "tkeras.ops.random",  # Keras 3's `keras.random` (`from keras.random import *`)
    "distribution": "tkeras.distribute",
}

# Names old code expects on a module that tkeras itself spells differently or leaves out: an alias of
# the key module looks its attributes up in the value module first (tkeras' own modules stay clean).
COMPANIONS = {
    "tkeras": "tkeras.compat.legacy.keras_package",  # keras.__version__
    "tkeras.backend": "tkeras.compat.legacy.backend",
    "tkeras.layers": "tkeras.compat.legacy.layers",  # Merge (Keras 1), CuDNNLSTM/CuDNNGRU (Keras 2)
    "tkeras.models": "tkeras.compat.legacy.models",  # keras.engine.Layer / InputSpec (Keras 2)
    "tkeras.utils.np_utils": "tkeras.compat.legacy.np_utils",
    "tkeras.constraints": "tkeras.compat.legacy.constraints",
    "tkeras.utils": "tkeras.compat.legacy.utils",
    "tkeras.regularizers": "tkeras.compat.legacy.regularizers",
    "tkeras.metrics": "tkeras.compat.legacy.metrics",  # fmeasure, precision, recall (Keras 1 functions)
}
