"""`keras.layers.experimental.preprocessing` (TF 2.3-2.5): the preprocessing layers under their old path.

`preprocessing.Normalization`, `preprocessing.StringLookup`, `preprocessing.Rescaling`,
`preprocessing.RandomFlip`... are the `tkeras.layers` classes of the same name, looked up when asked
for, so a layer added to `tkeras.layers` later is reachable here too.
"""


def __getattr__(name):
    import tkeras.layers
    try:
        return getattr(tkeras.layers, name)
    except AttributeError:
        raise AttributeError(f"keras.layers.experimental.preprocessing.{name} is not supported in tkeras") from None
