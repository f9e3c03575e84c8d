"""Names Keras 2 custom-layer code imports from `keras.engine` (an alias of tkeras.models):
`from keras.engine import Layer, InputSpec`."""
from tkeras.layers.layer import InputSpec, Layer  # noqa: F401
