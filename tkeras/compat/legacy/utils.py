"""Names old code finds under `keras.utils`: the image helpers Keras 2.9+ moved there (`load_img`,
`img_to_array`, ...), and Keras 1/2's kernel flips (`layer_utils.convert_all_kernels_in_model`,
`conv_utils.convert_kernel`, both aliases of keras.utils), Keras 2's `HDF5Matrix`."""
from tkeras.preprocessing.image import array_to_img, img_to_array, load_img, save_img  # noqa: F401
from tkeras.utils.hdf5_matrix import HDF5Matrix  # noqa: F401 - keras.utils(.io_utils).HDF5Matrix, Keras 2
from tkeras.utils.kernel_conversion import convert_all_kernels_in_model, convert_kernel  # noqa: F401
