"""One-line summaries for the tf.data.Dataset methods whose code carries no docstring of its own.

Notebooks list the API with `getattr(tf.data.Dataset, name).__doc__.split("\\n")[0]` (Hands-On ML ch. 13), which
fails on a method without a docstring; TensorFlow documents every public method. The summaries are tkeras'
own words and are attached once, when the module defining Dataset is imported.
"""

SUMMARIES = {
    "apply": "Applies a function that takes this dataset and returns a new one (a reusable pipeline stage).",
    "as_numpy_iterator": "Iterates over the elements as NumPy values instead of tensors.",
    "batch": "Groups consecutive elements into batches of `batch_size` (the last one may be smaller).",
    "bucket_by_sequence_length": "Batches elements of similar length together, padding each batch to its longest.",
    "cardinality": "The number of elements, or INFINITE_CARDINALITY / UNKNOWN_CARDINALITY.",
    "concatenate": "The elements of this dataset followed by those of another one.",
    "enumerate": "Pairs each element with its position: (index, element).",
    "filter": "Keeps the elements for which `predicate` returns True.",
    "from_generator": "A dataset whose elements a Python generator yields.",
    "from_tensor_slices": "A dataset of the slices of the given tensors along their first dimension.",
    "from_tensors": "A dataset holding the given tensors as its single element.",
    "get_single_element": "The one element of a dataset that has exactly one.",
    "load": "Loads a dataset written by `Dataset.save`.",
    "map": "Applies `map_func` to each element.",
    "options": "The options (tf.data.Options) set on this dataset.",
    "prefetch": "Prepares up to `buffer_size` elements ahead while the current one is consumed.",
    "range": "A dataset of evenly spaced integers, like Python's range().",
    "reduce": "Folds all the elements into one value with `reduce_func`, starting from `initial_state`.",
    "repeat": "Repeats the dataset `count` times (forever when count is None or -1).",
    "save": "Writes the dataset's elements to a directory for `Dataset.load`.",
    "scan": "Maps elements while carrying a state from one element to the next.",
    "shuffle": "Shuffles the elements with a buffer of `buffer_size` elements.",
    "skip": "Drops the first `count` elements.",
    "take": "Keeps only the first `count` elements.",
    "take_while": "Keeps elements up to the first one for which `predicate` is False.",
    "unbatch": "Splits each batch back into its elements.",
    "with_options": "The same dataset with the given tf.data.Options.",
}


def attach_summaries(dataset_class):
    """Give each listed method without a docstring its summary (methods with their own docstring keep it)."""
    for name, summary in SUMMARIES.items():
        method = getattr(dataset_class, name, None)
        function = getattr(method, "__func__", method)
        if function is not None and not getattr(function, "__doc__", None):
            try:
                function.__doc__ = summary
            except (AttributeError, TypeError):
                pass  # a builtin or slot wrapper: nothing to attach to
