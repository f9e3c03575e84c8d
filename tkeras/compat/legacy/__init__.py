"""Names only old Keras code uses, kept out of tkeras' own modules.

Most modules here are the *companion* of a tkeras module (`aliases.COMPANIONS`): under the import hook,
`keras.backend.set_session`, `keras.layers.Merge` or `keras.utils.np_utils.to_categorical(y,
nb_classes=10)` are looked up here first. Others stand for a whole old module (`aliases.LEGACY`):
`image` is Keras 1/2's `keras.preprocessing.image`, `initializations` Keras 1's functions of a shape,
`visualize_util` Keras 1's `plot`. `versions` holds the version numbers `keras.__version__` and
`tf.__version__` report.
"""
