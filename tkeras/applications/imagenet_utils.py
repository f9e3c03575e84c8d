"""What every ImageNet application shares: input preprocessing, prediction decoding, argument checks.

The three preprocessing modes are the conventions the published weights were trained with:
"caffe" (BGR channels, ImageNet mean subtracted, no scaling: VGG, ResNet), "tf" (pixels to [-1, 1]:
MobileNet, ResNetV2) and "torch" (pixels to [0, 1], then ImageNet mean/std per channel: DenseNet).
A NumPy array is processed in place when it is already floating point, as in Keras (which documents
that the input is overwritten); a tensor, eager or symbolic, gives a new tensor.
"""
import json
import warnings

import numpy as np

from tkeras.applications.weights import get_weights_path

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _image_data_format():
    from tkeras.backend.config import image_data_format
    return image_data_format()


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch (or one image) of RGB pixels in [0, 255] the way the weights of `mode` expect."""
    if mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    if data_format is None:
        data_format = _image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _mean_std(mode):
    """(per-channel mean, per-channel std or None) in the channel order after the mode's flip."""
    if mode == "torch":
        return _TORCH_MEAN, _TORCH_STD
    return _CAFFE_MEAN_BGR, None


def _channel_shape(ndim, data_format):
    """Shape that broadcasts a 3-vector over the channel axis of an `ndim`-D image batch."""
    if data_format == "channels_first":
        return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return (1,) * (ndim - 1) + (3,)


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        from tkeras.backend.config import floatx
        x = x.astype(floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    else:  # RGB -> BGR, as a view (the in-place steps below then write through to the caller's array)
        channel_axis = (0 if x.ndim == 3 else 1) if data_format == "channels_first" else -1
        x = np.flip(x, axis=channel_axis)
    mean, std = _mean_std(mode)
    shape = _channel_shape(x.ndim, data_format)
    x -= np.asarray(mean, dtype=x.dtype).reshape(shape)
    if std is not None:
        x /= np.asarray(std, dtype=x.dtype).reshape(shape)
    return x


def _preprocess_tensor(x, data_format, mode):
    from tkeras import ops
    x = ops.convert_to_tensor(x) if not _is_tensor_like(x) else x
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    if mode == "torch":
        x = x / 255.0
    else:
        channel_axis = (0 if ndim == 3 else 1) if data_format == "channels_first" else -1
        x = ops.flip(x, axis=channel_axis)
    mean, std = _mean_std(mode)
    shape = _channel_shape(ndim, data_format)
    x = x - _channel_constant(mean, shape, x)
    if std is not None:
        x = x / _channel_constant(std, shape, x)
    return x


def _channel_constant(values, shape, like):
    """Per-channel constants in `like`'s dtype, on `like`'s device when it is an eager tensor (a CPU
    image batch stays on the CPU even when tkeras computes on a GPU)."""
    import torch
    if isinstance(like, torch.Tensor):
        return torch.as_tensor(np.asarray(values), dtype=like.dtype, device=like.device).reshape(shape)
    from tkeras import ops
    return ops.reshape(ops.convert_to_tensor(np.asarray(values), dtype=like.dtype), shape)


def _is_tensor_like(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, (list, tuple))


def _class_index():
    """ImageNet's {"index": [wordnet id, name]} table, read once from the model cache folders."""
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = get_weights_path(CLASS_INDEX_FILE, CLASS_INDEX_PATH, file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as stream:
            CLASS_INDEX = json.load(stream)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples of a batch of ImageNet scores."""
    shape = tuple(preds.shape)
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
                         f"(samples, 1000)). Received array with shape: {shape}")
    class_index = _class_index()
    preds = _to_numpy(preds)
    results = []
    for scores in preds:
        best = np.argsort(scores, kind="stable")[-top:][::-1]
        decoded = [tuple(class_index[str(i)]) + (scores[i],) for i in best]
        decoded.sort(key=lambda entry: entry[2], reverse=True)
        results.append(decoded)
    return results


def _to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The model's input shape: the default one, or `input_shape` checked against what the weights allow.

    `require_flatten` (include_top) needs a static size; ImageNet weights with the classifier need
    exactly the default size, and ImageNet weights need 3 channels.
    """
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was passed an "
                          f"input_shape with {channels} input channels.", stacklevel=3)
        default_shape = ((input_shape[0], default_size, default_size) if channels_first
                         else (default_size, default_size, input_shape[-1]))
    else:
        default_shape = (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, `input_shape` "
                             f"should be {default_shape}.  Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels = input_shape[0] if channels_first else input_shape[-1]
        sizes = input_shape[1:] if channels_first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if any(size is not None and size < min_size for size in sizes):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """ZeroPadding2D amounts that make a stride-2 'valid' convolution match TensorFlow's 'same' one."""
    spatial = (2, 4) if _image_data_format() == "channels_first" else (1, 3)
    size = tuple(inputs.shape[spatial[0]:spatial[1]])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained classifier weights were trained under softmax: only softmax or logits (None) fit them."""
    if weights is None:
        return
    from tkeras import activations
    activation = activations.get(classifier_activation)
    if activation not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the `classifier_activation` "
                         "argument when using pretrained weights, with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")


def check_classes(weights, include_top, classes):
    """Keras' second check in every constructor: the ImageNet classifier has 1000 classes."""
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")
