"""AveragePooling1D/2D/3D (aliases AvgPool1D/2D/3D); 'same' padding is left out of each average."""
from tkeras.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 1, "average"


class AveragePooling2D(BasePooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 2, "average"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(BasePooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 3, "average"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
