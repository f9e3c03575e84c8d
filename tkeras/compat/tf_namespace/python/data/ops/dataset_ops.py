"""`tensorflow.python.data.ops.dataset_ops`: the module older libraries check input types against
(`isinstance(x, dataset_ops.DatasetV2)`); both Dataset generations are tkeras' one Dataset class."""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.compat.tf_namespace.data import AUTOTUNE, Dataset, DatasetSpec
from tkeras.compat.tf_namespace.data import INFINITE_CARDINALITY as INFINITE
from tkeras.compat.tf_namespace.data import UNKNOWN_CARDINALITY as UNKNOWN

DatasetV1 = DatasetV2 = Dataset

__all__ = ["AUTOTUNE", "INFINITE", "UNKNOWN", "Dataset", "DatasetSpec", "DatasetV1", "DatasetV2"]

__getattr__ = module_getattr("tensorflow.python.data.ops.dataset_ops")
