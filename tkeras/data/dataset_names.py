"""The class name TensorFlow gives each kind of dataset, for `print(ds)` / a notebook cell ending in `ds`.

TensorFlow shows a dataset as `<_BatchDataset element_spec=(TensorSpec(...), ...)>`: the name says which
transformation made it, and books print it to explain their pipelines. tkeras has one Dataset class, so
each transformation method is wrapped (once, when the class is set up) to label the dataset it returns;
the label costs nothing while elements flow.
"""
import copy
import functools
import inspect


def _parallel(plain, parallel):
    """A name that changes when the method runs in parallel, as TensorFlow's map/interleave/batch do."""
    def choose(kwargs):
        return parallel if kwargs.get("num_parallel_calls") is not None else plain
    return choose


# method -> TensorFlow's class name (as TensorFlow 2.14-2.21 print them), or a function of the call's keywords
TF_CLASS_NAMES = {
    "from_tensor_slices": "_TensorSliceDataset",
    "from_tensors": "_TensorDataset",
    "from_generator": "_FlatMapDataset",
    "range": "_RangeDataset",
    "zip": "_ZipDataset",
    "enumerate": "_ZipDataset",
    "list_files": lambda kwargs: "_TensorSliceDataset" if kwargs.get("shuffle") is False else "_ShuffleDataset",
    "batch": _parallel("_BatchDataset", "_ParallelBatchDataset"),
    "padded_batch": "_PaddedBatchDataset",
    "ragged_batch": "_BatchDataset",
    "rebatch": "_RebatchDataset",
    "unbatch": "_UnbatchDataset",
    "shuffle": "_ShuffleDataset",
    "map": _parallel("_MapDataset", "_ParallelMapDataset"),
    "flat_map": "_FlatMapDataset",
    "interleave": _parallel("_InterleaveDataset", "_ParallelInterleaveDataset"),
    "filter": "_FilterDataset",
    "repeat": "_RepeatDataset",
    "take": "_TakeDataset",
    "skip": "_SkipDataset",
    "shard": "_ShardDataset",
    "prefetch": "_PrefetchDataset",
    "cache": "CacheDataset",
    "window": "_WindowDataset",
    "concatenate": "_ConcatenateDataset",
    "unique": "_UniqueDataset",
    "scan": "_ScanDataset",
    "counter": "_ScanDataset",
    "take_while": "_TakeWhileDataset",
    "ignore_errors": "_IgnoreErrorsDataset",
    "with_options": "_OptionsDataset",
    "random": "_RandomDataset",
    "sample_from_datasets": "_DirectedInterleaveDataset",
    "choose_from_datasets": "_DirectedInterleaveDataset",
    "group_by_window": "_GroupByWindowDataset",
    "bucket_by_sequence_length": "_GroupByWindowDataset",
}


def _labelled(function, name_for, dataset_class):
    parameters = inspect.signature(function).parameters

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        if args and result is args[0]:  # prefetch()/cache() hand back the dataset itself: label a copy
            result = copy.copy(result)
        if isinstance(result, dataset_class):
            keywords = dict(kwargs)
            for parameter, value in zip(parameters, args):
                keywords.setdefault(parameter, value)
            result._tf_class_name = name_for(keywords) if callable(name_for) else name_for
        return result
    return wrapper


def label_transformations(dataset_class):
    """Wrap `dataset_class`'s methods so that each dataset they return carries TensorFlow's class name."""
    for method, name_for in TF_CLASS_NAMES.items():
        attribute = inspect.getattr_static(dataset_class, method, None)
        if isinstance(attribute, staticmethod):
            setattr(dataset_class, method, staticmethod(_labelled(attribute.__func__, name_for, dataset_class)))
        elif isinstance(attribute, classmethod):
            setattr(dataset_class, method, classmethod(_labelled(attribute.__func__, name_for, dataset_class)))
        elif inspect.isfunction(attribute):
            setattr(dataset_class, method, _labelled(attribute, name_for, dataset_class))


def named(dataset, tf_class_name):
    """A file reader's dataset, labelled as TensorFlow's reader class (`TextLineDatasetV2`, ...)."""
    dataset._tf_class_name = tf_class_name
    return dataset


def tf_class_name(dataset, default="_Dataset"):
    return getattr(dataset, "_tf_class_name", default)


def dataset_text(dataset):
    """TensorFlow's text for a dataset: its class name and element spec. The spec is read from the first
    element; a pipeline whose spec cannot be read still prints its name (printing must not fail)."""
    try:
        spec = dataset.element_spec
    except Exception:  # noqa: BLE001
        return f"<{tf_class_name(dataset)}>"
    return f"<{tf_class_name(dataset)} element_spec={spec!r}>"
