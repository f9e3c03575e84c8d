"""What every Keras 3 distribution answers: its mesh, its batch axis, and layouts for data and variables.

`DataParallel` and `ModelParallel` share these answers (as Keras' `Distribution` base class gives
them); how each one runs fit/evaluate/predict lives in its own module.
"""
import numpy as np

from tkeras.distribute import runtime
from tkeras.distribute.mesh import DEFAULT_BATCH_DIM_NAME, DeviceMesh, TensorLayout, list_devices


class Distribution:
    """A device mesh, the name of its batch axis, and whether datasets are split automatically."""

    def __init__(self, device_mesh=None, batch_dim_name=None, auto_shard_dataset=True, devices=None):
        if device_mesh is not None and not isinstance(device_mesh, DeviceMesh):
            raise ValueError(f"{type(self).__name__}: device_mesh must be a keras.distribution.DeviceMesh, received "
                             f"{type(device_mesh).__name__} {device_mesh!r}")
        self._device_mesh = device_mesh
        self._devices = devices
        self._batch_dim_name = batch_dim_name
        self.auto_shard_dataset = bool(auto_shard_dataset)

    @property
    def device_mesh(self):
        """The mesh; by default a 1-D mesh named "batch" over `devices` or every device of the job.

        Made on first use, so a distribution built before the process group starts is still valid.
        """
        if self._device_mesh is None:
            devices = np.array(self._devices if self._devices else list_devices())
            self._device_mesh = DeviceMesh(shape=devices.shape, axis_names=[DEFAULT_BATCH_DIM_NAME],
                                           devices=devices)
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name or self.device_mesh.axis_names[0]

    @property
    def num_processes(self):
        return runtime.world_size()

    @property
    def num_model_replicas(self):
        """How many copies of the model see different data: the size of the batch axis."""
        return self.device_mesh.axis_size(self.batch_dim_name)

    @property
    def data_shard_id(self):
        replicas = self.num_model_replicas
        if replicas >= self.num_processes:
            return runtime.rank()
        return runtime.rank() // (self.num_processes // replicas)

    def get_data_layout(self, data_shape):
        axes = [None] * len(data_shape)
        axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable):
        layout = getattr(variable, "_layout", None)
        return layout if layout is not None else TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        return None

    def distribute_dataset(self, dataset):
        """tkeras splits each global batch itself inside fit, so a dataset is passed on unchanged."""
        return dataset

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self._device_mesh}>"
