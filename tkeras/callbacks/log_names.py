"""The other names a logged metric went by in earlier Keras versions, so old scripts find it.

Keras 3 (and Keras 2.3+) logs a metric under the name it was given in `compile`: `metrics=['mae']`
logs 'mae' and 'val_mae'. Keras 1 to 2.2 and tf.keras 1.x logged the *function's* name instead
('mean_absolute_error', 'val_mean_absolute_error'), and logged `metrics=['accuracy']` as 'acc'.
Scripts of that era read those names from `history.history`, monitor them in callbacks and put them
in checkpoint file names. The logs keep the modern keys; these helpers answer the old spelling of
the *same* metric. Anything else (e.g. 'acc' when the metric was the function `binary_accuracy`,
which every Keras version logged as 'binary_accuracy') stays missing, as it is in real Keras.
"""

# A name a metric is logged under -> the names scripts of another Keras era read it by.
_SPELLINGS = {
    "accuracy": ("acc",),                        # metrics=['accuracy']: 'acc' until Keras 2.2 / tf.keras 1.x
    "acc": ("accuracy",),                        # metrics=['acc'] read by Keras 2.3+ code as 'accuracy'
    "mae": ("mean_absolute_error",),             # Keras <= 2.2 logged the function name of the short alias
    "MAE": ("mean_absolute_error",),
    "mse": ("mean_squared_error",),
    "MSE": ("mean_squared_error",),
    "mape": ("mean_absolute_percentage_error",),
    "MAPE": ("mean_absolute_percentage_error",),
    "msle": ("mean_squared_logarithmic_error",),
    "MSLE": ("mean_squared_logarithmic_error",),
    "kld": ("kullback_leibler_divergence",),
    "KLD": ("kullback_leibler_divergence",),
    "cosine": ("cosine_proximity",),             # Keras 2.2's `cosine` was `cosine_proximity`
    "learning_rate": ("lr",),                    # ReduceLROnPlateau/LearningRateScheduler logged 'lr' in Keras 2
}
# Metric names that end in one of the names above but are another metric ('binary_accuracy' is not an
# output called 'binary' logging 'accuracy').
_WHOLE_NAMES = ("binary_accuracy", "categorical_accuracy", "top_k_categorical_accuracy")


def other_spellings(logged_key):
    """The names an old or new script may use for `logged_key` ('val_mae' -> ['val_mean_absolute_error']).

    The metric name is matched at the end of the key, after '', 'val_' or an output-name prefix
    ('val_dense_1_mae'), so multi-output logs are covered too.
    """
    names = []
    for short, others in _SPELLINGS.items():
        if logged_key == short or logged_key.endswith("_" + short):
            if any(logged_key == name or logged_key.endswith("_" + name) for name in _WHOLE_NAMES):
                continue
            prefix = logged_key[:len(logged_key) - len(short)]
            names.extend(prefix + other for other in others)
    return names


def find_logged(logs, name):
    """The key of `logs` that holds `name`, under its own or another era's spelling; None if absent."""
    if name in logs:
        return name
    for key in logs:
        if name in other_spellings(key):
            return key
    return None


def with_other_spellings(logs):
    """A copy of `logs` in which each value also sits under its other spellings (for file name templates)."""
    values = dict(logs)
    for key in list(values):
        for other in other_spellings(key):
            values.setdefault(other, values[key])
    return values


class AnswersOtherSpellings(dict):
    """A dict of what was logged whose keys stay exactly as logged (Keras 3 code sees what it expects),
    while `[]` and `get` also find a metric under another era's name (a Keras <= 2.2 script reading 'acc'
    or 'val_mean_absolute_error' gets the 'accuracy' or 'val_mae' entry). History's per-epoch lists and
    the logs each callback hook receives are such dicts."""

    def __missing__(self, key):
        logged = find_logged(self, key) if isinstance(key, str) else None
        if logged is None:
            raise self._missing_key_error(key)
        return dict.__getitem__(self, logged)

    def _missing_key_error(self, key):
        return KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default
