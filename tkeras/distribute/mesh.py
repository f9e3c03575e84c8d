"""Keras 3's description of where tensors live: `DeviceMesh`, `TensorLayout`, `LayoutMap`.

These are plain descriptions, as in Keras: a mesh names the processes of the torch.distributed group
(one device per rank, see `list_devices`) and arranges them on named axes; a layout says, for each
dimension of a tensor, which mesh axis (if any) it is split along; a layout map picks a layout for
each variable by matching its path against regular expressions. Nothing talks to other processes
until a distribution turns a mesh into torch's own `DeviceMesh` (`torch_mesh`), which is a collective
call every rank makes at the same point of the script.
"""
import collections.abc
import math
import re

import numpy as np

from tkeras.distribute import runtime

DEFAULT_BATCH_DIM_NAME = "batch"


def list_devices(device_type=None):
    """Every device of the whole process group, one per rank: `cpu:0`, `cpu:1`, … or `cuda:0`, ….

    Keras lists the devices of all processes (its device ids are global), so a mesh built from this
    list spans the job. Under torchrun the process group is started on first use; a single process
    lists its own devices (its GPUs when it has some and `device_type` allows).
    """
    import torch
    wanted = (device_type or "").lower()
    if wanted not in ("", "cpu", "gpu", "cuda", "tpu"):
        raise ValueError(f"list_devices: device_type must be 'cpu', 'gpu' or None, received {device_type!r}")
    if runtime.launched_by_torchrun() and not runtime.is_initialized():
        runtime.initialize()
    if runtime.is_initialized() and runtime.world_size() > 1:
        kind = "cpu" if wanted == "cpu" else _process_device_type()
        return [f"{kind}:{r}" for r in range(runtime.world_size())]
    if wanted != "cpu" and torch.cuda.is_available():
        return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return ["cpu:0"]


def get_device_count(device_type=None):
    """How many devices `list_devices(device_type)` lists."""
    return len(list_devices(device_type))


def _process_device_type():
    from tkeras.backend import config
    return "cuda" if config.device().type == "cuda" else "cpu"


class DeviceMesh:
    """The job's devices arranged on named axes, e.g. shape (2, 4) with axes ("batch", "model").

    Args:
        shape: the mesh's shape; its size must equal the number of devices.
        axis_names: one name per mesh axis (layouts refer to axes by these names).
        devices: devices as `list_devices()` names them (default: all of them), in mesh order.
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(f"DeviceMesh: shape and axis_names must not be empty, received shape={shape}, "
                             f"axis_names={axis_names}")
        if len(shape) != len(axis_names):
            raise ValueError(f"DeviceMesh: shape and axis_names must have the same length, received "
                             f"shape={shape}, axis_names={axis_names}")
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"DeviceMesh: axis_names must be distinct, received {axis_names}")
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != devices.size:
            raise ValueError(f"DeviceMesh: shape {tuple(shape)} holds {math.prod(shape)} devices but {devices.size} "
                             f"were given ({list(devices.reshape(-1))}); under torchrun there is one device per "
                             f"process, so the shape's product must equal --nproc_per_node × nodes")
        self._shape = tuple(int(s) for s in shape)
        self._axis_names = tuple(axis_names)
        self._devices = devices.reshape(self._shape)

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    def axis_size(self, name):
        return self._shape[self._axis_names.index(name)]

    def ranks(self):
        """The process rank of each mesh position: a device `kind:i` is rank i (see `list_devices`)."""
        ranks = np.empty(self._shape, dtype=np.int64)
        for position, device in np.ndenumerate(self._devices):
            text = str(device)
            try:
                ranks[position] = int(text.rsplit(":", 1)[1])
            except (IndexError, ValueError):
                raise ValueError(f"DeviceMesh: cannot read a device index from {text!r}; devices are named "
                                 f"'cpu:N' or 'cuda:N' as keras.distribution.list_devices() lists them") from None
        return ranks

    @property
    def backend_mesh(self):
        return self.torch_mesh()

    def torch_mesh(self):
        """torch's DeviceMesh over the same ranks (made once; a collective call on every rank)."""
        mesh = self.__dict__.get("_torch_mesh")
        if mesh is None:
            from torch.distributed.device_mesh import DeviceMesh as TorchDeviceMesh
            import torch
            ranks = self.ranks()
            world = runtime.world_size()
            if sorted(ranks.reshape(-1).tolist()) != list(range(world)):
                raise ValueError(f"DeviceMesh: the mesh covers ranks {sorted(ranks.reshape(-1).tolist())} but the "
                                 f"process group has {world} processes; build the mesh from "
                                 f"keras.distribution.list_devices()")
            mesh = TorchDeviceMesh(_process_device_type(), torch.as_tensor(ranks), mesh_dim_names=self._axis_names)
            self._torch_mesh = mesh
        return mesh

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"

    __str__ = __repr__


class TensorLayout:
    """For each tensor dimension, the mesh axis it is split along (None: not split).

    Args:
        axes: one entry per tensor dimension, a mesh axis name or None.
        device_mesh: the mesh the names refer to; a `LayoutMap` fills it in when left out.
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(f"TensorLayout: the device mesh is already set ({self._device_mesh}) and cannot be "
                             f"replaced")
        self._device_mesh = device_mesh
        self._validate_axes()

    def _validate_axes(self):
        if self._device_mesh is None:
            return
        unknown = sorted(set(a for a in self._axes if a is not None) - set(self._device_mesh.axis_names))
        if unknown:
            raise ValueError(f"TensorLayout: axis name(s) {unknown} are not axes of the mesh; valid names: "
                             f"{list(self._device_mesh.axis_names)}")
        named = [a for a in self._axes if a is not None]
        if len(named) != len(set(named)):
            raise ValueError(f"TensorLayout: a mesh axis may split only one tensor dimension, received {self._axes}")

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"

    __str__ = __repr__


class LayoutMap(collections.abc.MutableMapping):
    """Variable path → `TensorLayout`, where keys are regular expressions matched against the path.

    An exact key wins; otherwise every key is tried as a regex with `re.fullmatch`, and a path
    matching two keys is an error. Values may be given as tuples of axis names.
    """

    def __init__(self, device_mesh):
        self._layout_map = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layout_map:
            return self._layout_map[key]
        matching = [pattern for pattern in self._layout_map if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(f"LayoutMap: path {key!r} matches several keys {matching}; make each variable path "
                             f"match at most one key")
        return self._layout_map[matching[0]] if matching else None

    def __setitem__(self, key, layout):
        if key in self._layout_map:
            raise ValueError(f"LayoutMap: key {key!r} is already set to {self._layout_map[key]}; keys must be "
                             f"unique")
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(axes=layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"LayoutMap[{key!r}]: expected a TensorLayout or a tuple of axis names, received "
                             f"{type(layout).__name__} {layout!r}")
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key):
        return self._layout_map.pop(key)

    def __len__(self):
        return len(self._layout_map)

    def __iter__(self):
        return iter(self._layout_map)

    @property
    def device_mesh(self):
        return self._device_mesh
