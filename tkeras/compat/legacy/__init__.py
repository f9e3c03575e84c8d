"""Names only old Keras code uses, kept out of tkeras' own modules.

Each module here is the *companion* of a tkeras module (`aliases.COMPANIONS`): under the import hook,
`keras.backend.set_session` or `keras.utils.np_utils.to_categorical(y, nb_classes=10)` are looked up
here first. `image` is the whole of Keras 1/2's `keras.preprocessing.image`.
"""
