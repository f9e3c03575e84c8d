"""`tf.compat.v2`: the TensorFlow 2 namespace, which is the tf namespace itself."""


def __getattr__(name):
    from tkeras.compat import tf_namespace
    return getattr(tf_namespace, name)
