"""`losses.Reduction`: tf.keras 2's names for the reduction strings, so `reduction=Reduction.SUM` works.

The values are the strings themselves (tf.keras 2 compares and serialises them as strings), and
every `Loss` accepts them through `standardize_reduction`.
"""


class Reduction:
    """AUTO, NONE, SUM and SUM_OVER_BATCH_SIZE; AUTO means SUM_OVER_BATCH_SIZE outside tf.distribute."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"losses.Reduction: {key!r} is not a reduction; expected one of {cls.all()}")
