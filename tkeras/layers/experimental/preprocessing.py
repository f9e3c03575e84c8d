"""`keras.layers.experimental.preprocessing` (TF 2.3-2.5): the preprocessing layers under their old path.

`preprocessing.Normalization`, `preprocessing.StringLookup`, `preprocessing.Rescaling`,
`preprocessing.RandomFlip`... are the `tkeras.layers` classes of the same name, looked up when asked
for, so a layer added to `tkeras.layers` later is reachable here too. `PreprocessingLayer`, tf-keras'
base class of adaptable layers, exists only under this path.
"""


def __getattr__(name):
    if name == "PreprocessingLayer":  # tf-keras 2's base class, only under this path
        from tkeras.layers.preprocessing.preprocessing_layer import PreprocessingLayer
        return PreprocessingLayer
    import tkeras.layers
    try:
        return getattr(tkeras.layers, name)
    except AttributeError:
        raise AttributeError(f"keras.layers.experimental.preprocessing.{name} is not supported in tkeras") from None


def __dir__():
    import tkeras.layers
    return sorted(set(dir(tkeras.layers)) | {"PreprocessingLayer"})
