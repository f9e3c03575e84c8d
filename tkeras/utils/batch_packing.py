"""`keras.utils.unpack_x_y_sample_weight` / `pack_x_y_sample_weight`: a batch as a tuple and back.

A custom `train_step(self, data)` receives whatever the data source yields: `x` alone, `(x,)`,
`(x, y)` or `(x, y, sample_weight)`. These two functions are the convention for reading and building
such batches; the fit loop itself reads batches with `unpack_x_y_sample_weight`, so a train_step that
uses it sees the data exactly as fit does.
"""


def unpack_x_y_sample_weight(data):
    """`(x, y, sample_weight)` from a batch, with None where the batch has no `y` or `sample_weight`.

    A list counts as a tuple (tf.data and generators may yield either); anything else is `x` alone,
    so a dict of named inputs or a single array is never taken apart.
    """
    if not isinstance(data, (tuple, list)):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    kinds = ", ".join(type(item).__name__ for item in data)
    raise ValueError(
        f"A batch (`data` of unpack_x_y_sample_weight) must be x, (x,), (x, y) or (x, y, sample_weight); "
        f"received a {type(data).__name__} of {len(data)} elements ({kinds})")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch fit would read back as (x, y, sample_weight), in its shortest form.

    With no `y`, a single `x` is returned unwrapped; a tuple or list `x` (several inputs) is wrapped as
    `(x,)`, so that unpacking does not mistake its parts for `(x, y)`. A `sample_weight` without `y`
    is dropped, as in Keras.
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight
