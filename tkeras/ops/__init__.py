"""tkeras.ops: Keras 3's backend-agnostic ops (NumPy-style names) on torch tensors.

Arguments may be NumPy arrays, Python numbers, tensors or Variables; results are torch tensors
(shown TensorFlow-style in user code, plain inside layers). Every public name of Keras 3's `keras.ops`
is listed here; `ops.numpy`, `ops.nn`, `ops.linalg` and `ops.image` are Keras' sub-namespaces and
`tkeras.ops.random` holds the draws.

The names load with their module on first access: a model touches a handful of the ~25 op modules, and
importing all of them made up a sixth of `import tkeras`. `dir()` and `from tkeras.ops import *` see
every name.
"""
import importlib

from tkeras._lazy_exports import lazy_exports

# Where each public name lives. The values are the names, space-separated.
_EXPORTS = {
    "tkeras.ops.core": (
        "arange cast convert_to_numpy convert_to_tensor eye full full_like linspace ndim ones ones_like shape "
        "size stop_gradient zeros zeros_like "
        "constant"  # not a Keras 3 name: TensorFlow's spelling, kept for code written against earlier tkeras
    ),
    "tkeras.ops.math_ops": (
        "abs absolute add all amax amin any arccos arcsin arctan argmax argmin ceil clip cos cosh cumprod "
        "cumsum divide dot einsum equal exp expm1 floor floor_divide greater greater_equal isfinite isinf "
        "isnan less less_equal log log10 log1p log2 logical_and logical_not logical_or logical_xor logsumexp "
        "matmul max maximum mean min minimum mod multiply negative norm not_equal power prod reciprocal round "
        "rsqrt sign sin sinh sqrt square std subtract sum tan tensordot true_divide var"
    ),
    "tkeras.ops.shape_ops": (
        "argsort broadcast_to concatenate expand_dims flip one_hot pad repeat reshape slice sort split "
        "squeeze stack take tile top_k transpose unstack where "
        "gather"  # TensorFlow's spelling, as `constant`
    ),
    "tkeras.ops.nn": (
        "elu gelu leaky_relu log_softmax moments relu relu6 selu sigmoid silu softmax softplus softsign swish "
        "tanh"
    ),
    "tkeras.ops.elementwise": (
        "allclose angle arccosh arcsinh arctan2 arctanh bitwise_and bitwise_invert bitwise_left_shift "
        "bitwise_not bitwise_or bitwise_right_shift bitwise_xor cbrt conj conjugate copy deg2rad "
        "divide_no_nan erf erfc erfinv exp2 fabs fmax fmin fmod gcd heaviside hypot i0 imag isclose isneginf "
        "isposinf isreal lcm ldexp left_shift logaddexp logaddexp2 nan_to_num nextafter polar rad2deg real "
        "right_shift signbit sinc trunc view_as_complex view_as_real"
    ),
    "tkeras.ops.reductions": (
        "average bincount count_nonzero digitize histogram median nanargmax nanargmin nancumprod nancumsum "
        "nanmax nanmean nanmedian nanmin nanpercentile nanprod nanquantile nanstd nansum nanvar percentile "
        "ptp quantile searchsorted trapezoid"
    ),
    "tkeras.ops.array_ops": (
        "append argpartition array array_split bartlett blackman cdist corrcoef correlate cross diag diagflat "
        "diagonal diff dsplit dstack empty empty_like fliplr flipud geomspace get_item hamming hanning hsplit "
        "hstack identity inner isin kaiser kron logspace meshgrid moveaxis nonzero outer ravel roll rot90 "
        "select swapaxes take_along_axis trace tri tril triu unique unravel_index vander vdot view vsplit "
        "vstack"
    ),
    "tkeras.ops.tensor_updates": (
        "dtype extract_sequences in_top_k is_tensor multi_hot saturate_cast scatter scatter_update "
        "segment_max segment_min segment_prod segment_sum slice_update"
    ),
    "tkeras.ops.control_flow": (
        "associative_scan cond custom_gradient fori_loop map scan switch vectorize vectorized_map while_loop"
    ),
    "tkeras.ops.linalg": (
        "cholesky cholesky_inverse det eig eigh inv jvp logdet lstsq lu_factor matrix_rank pinv qr slogdet "
        "solve solve_triangular svd"
    ),
    "tkeras.ops.conv_ops": (
        "adaptive_average_pool adaptive_max_pool average_pool conv conv_transpose depth_to_space "
        "depthwise_conv fold max_pool separable_conv space_to_depth unfold"
    ),
    "tkeras.ops.nn_activations": (
        "celu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh log_sigmoid soft_shrink sparse_plus "
        "sparse_sigmoid sparsemax squareplus tanh_shrink threshold"
    ),
    "tkeras.ops.nn_losses": (
        "binary_crossentropy categorical_crossentropy ctc_decode ctc_loss psnr sparse_categorical_crossentropy"
    ),
    "tkeras.ops.nn_normalization": "batch_normalization layer_normalization normalize rms_normalization",
    "tkeras.ops.attention": "dot_product_attention",
}
_SUBMODULES = ("image", "linalg", "nn", "numpy", "random")  # Keras' sub-namespaces, loaded as modules

# public name -> (module, attribute; None for a sub-namespace itself)
_LAZY = {name: (module, name) for module, names in _EXPORTS.items() for name in names.split()}
_LAZY.update({name: (f"tkeras.ops.{name}", None) for name in _SUBMODULES})

# Two functions share their module's name (`ops.fft`, `ops.rearrange`): these modules load now and their
# names are bound here, since a later import of the submodule `tkeras.ops.fft` would otherwise leave the
# module where `ops.fft` should be the function.
_EAGER = {"tkeras.ops.fft": "fft fft2 ifft2 irfft istft rfft stft", "tkeras.ops.rearrange": "rearrange"}
for _module, _names in _EAGER.items():
    _loaded = importlib.import_module(_module)
    globals().update({name: getattr(_loaded, name) for name in _names.split()})

__all__ = sorted(set(_LAZY) | {name for names in _EAGER.values() for name in names.split()})
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


def load_all():
    """Imports every op module, so that every op is registered as a symbolic op (`ops.core.user_op`)
    for the loaders that resolve an op by name from a file against that registry."""
    for module in sorted({module for module, _ in _LAZY.values()}):
        importlib.import_module(module)
