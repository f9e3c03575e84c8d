"""`keras.layers.experimental`: where TF 2.3-2.5 kept layers before they became stable.

Code of that era writes `tf.keras.layers.experimental.preprocessing.Normalization` (and
`...experimental.EinsumDense`); every such name is the stable `tkeras.layers` one, so this namespace
forwards to `tkeras.layers` rather than listing them again. `RandomFourierFeatures` and
`SyncBatchNormalization` never left experimental (Keras 3 dropped them), so they live here, with tf-keras
2.13's `DynamicLookup` and `DynamicEmbedding`.
"""
from tkeras.layers.experimental import preprocessing
from tkeras.layers.experimental.dynamic_embedding import DynamicEmbedding
from tkeras.layers.experimental.dynamic_lookup import DynamicLookup
from tkeras.layers.experimental.random_fourier_features import RandomFourierFeatures
from tkeras.layers.normalization.sync_batch_normalization import SyncBatchNormalization


def __getattr__(name):
    import tkeras.layers
    try:
        return getattr(tkeras.layers, name)
    except AttributeError:
        from tkeras._missing_names import MissingAttributeError
        raise MissingAttributeError("tkeras.layers.experimental", name) from None
