"""tkeras.layers: every public layer, re-exported here (the implementations live in subpackages)."""
from tkeras.layers.core.activation import Activation
from tkeras.layers.core.dense import Dense
from tkeras.layers.core.input_layer import Input, InputLayer
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.regularization.dropout import Dropout
from tkeras.layers.reshaping.flatten import Flatten
from tkeras.layers.reshaping.reshape import Reshape
from tkeras.layers.core.embedding import Embedding
from tkeras.layers.core.masking import Masking
from tkeras.layers.reshaping.repeat_vector import RepeatVector
from tkeras.layers.rnn.abstract_rnn_cell import AbstractRNNCell
from tkeras.layers.rnn.base_rnn import RNN
from tkeras.layers.rnn.bidirectional import Bidirectional
from tkeras.layers.rnn.gru import GRU, GRUCell
from tkeras.layers.rnn.lstm import LSTM, LSTMCell
from tkeras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from tkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tkeras.layers.rnn.time_distributed import TimeDistributed
from tkeras.layers.convolutional.conv import AtrousConvolution1D, AtrousConvolution2D, Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D
from tkeras.layers.convolutional.conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose, Deconvolution2D
from tkeras.layers.convolutional.depthwise_conv import DepthwiseConv1D, DepthwiseConv2D
from tkeras.layers.convolutional.separable_conv import SeparableConv1D, SeparableConv2D, SeparableConvolution1D, SeparableConvolution2D
from tkeras.layers.pooling.average_pooling import AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D, AvgPool3D
from tkeras.layers.pooling.global_pooling import GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
from tkeras.layers.pooling.max_pooling import MaxPool1D, MaxPool2D, MaxPool3D, MaxPooling1D, MaxPooling2D, MaxPooling3D
from tkeras.layers.activations.elu import ELU
from tkeras.layers.activations.leaky_relu import LeakyReLU
from tkeras.layers.activations.prelu import PReLU
from tkeras.layers.activations.relu import ReLU
from tkeras.layers.activations.softmax import Softmax
from tkeras.layers.activations.thresholded_relu import ThresholdedReLU
from tkeras.layers.merging.concatenate import Concatenate, concatenate
from tkeras.layers.merging.dot import Dot, dot
from tkeras.layers.merging.elementwise import Add, Average, Maximum, Minimum, Multiply, Subtract, add, average, maximum, minimum, multiply, subtract
from tkeras.layers.merging.legacy_merge import merge
from tkeras.layers.normalization.batch_normalization import BatchNormalization
from tkeras.layers.normalization.layer_normalization import LayerNormalization
from tkeras.layers.regularization.activity_regularization import ActivityRegularization
from tkeras.layers.regularization.alpha_dropout import AlphaDropout
from tkeras.layers.regularization.gaussian_dropout import GaussianDropout
from tkeras.layers.regularization.gaussian_noise import GaussianNoise
from tkeras.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from tkeras.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from tkeras.layers.reshaping.permute import Permute
from tkeras.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from tkeras.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
from tkeras.layers.core.identity import Identity
from tkeras.layers.core.lambda_layer import Lambda
from tkeras.layers.layer_serialization import deserialize, serialize
from tkeras.layers import experimental
from tkeras._lazy_exports import lazy_exports
from tkeras._missing_names import MissingAttributeError

# Families most models never use load on first access (`keras.layers.MultiHeadAttention`), which keeps
# `import tkeras` cheap; `dir()` lists them, so the registry that rebuilds layers from configs sees them.
_LAZY = {
    "EinsumDense": "tkeras.layers.core.einsum_dense",
    "AdditiveAttention": "tkeras.layers.attention.additive_attention",
    "Attention": "tkeras.layers.attention.attention",
    "MultiHeadAttention": "tkeras.layers.attention.multi_head_attention",
    "GroupQueryAttention": "tkeras.layers.attention.grouped_query_attention",
    "GroupedQueryAttention": "tkeras.layers.attention.grouped_query_attention",  # Keras 3.0's name
    "RMSNormalization": "tkeras.layers.normalization.rms_normalization",
    "SpectralNormalization": "tkeras.layers.normalization.spectral_normalization",
    "ReversibleEmbedding": "tkeras.layers.core.reversible_embedding",
    "Wrapper": "tkeras.layers.core.wrapper",
    "TorchModuleWrapper": "tkeras.layers.core.torch_module_wrapper",
    **{name: "tkeras.layers.core.foreign_backend_layers" for name in ("JaxLayer", "FlaxLayer", "TFSMLayer")},
    "Pipeline": "tkeras.layers.preprocessing.pipeline",
    **{f"Adaptive{kind}Pooling{rank}D": "tkeras.layers.pooling.adaptive_pooling"
       for kind in ("Average", "Max") for rank in (1, 2, 3)},
    "GroupNormalization": "tkeras.layers.normalization.group_normalization",
    "UnitNormalization": "tkeras.layers.normalization.unit_normalization",
    "Normalization": "tkeras.layers.preprocessing.normalization",
    "TextVectorization": "tkeras.layers.preprocessing.text_vectorization",
    "Rescaling": "tkeras.layers.preprocessing.rescaling",
    "CategoryEncoding": "tkeras.layers.preprocessing.category_encoding",
    "StringLookup": "tkeras.layers.preprocessing.string_lookup",
    "IntegerLookup": "tkeras.layers.preprocessing.integer_lookup",
    "Hashing": "tkeras.layers.preprocessing.hashing",
    "Discretization": "tkeras.layers.preprocessing.discretization",
    "HashedCrossing": "tkeras.layers.preprocessing.hashed_crossing",
    "DenseFeatures": "tkeras.layers.preprocessing.dense_features",  # tf-keras 2, on tf.feature_column
    "STFTSpectrogram": "tkeras.layers.preprocessing.stft_spectrogram",
    "MelSpectrogram": "tkeras.layers.preprocessing.mel_spectrogram",
    "MaxNumBoundingBoxes": "tkeras.layers.preprocessing.image.max_num_bounding_boxes",
    **{name: "tkeras.layers.rnn.conv_lstm" for name in ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")},
    **{name: "tkeras.layers.locally_connected.locally_connected" for name in (
        "LocallyConnected1D", "LocallyConnected2D")},
    **{name: "tkeras.layers.preprocessing.image" for name in (
        "CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
        "RandomTranslation", "RandomZoom", "Resizing", "RandomHeight", "RandomWidth")},
    **{name: "tkeras.layers.preprocessing.image" for name in (  # Keras 3's newer augmentation layers
        "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization", "RandomColorDegeneration",
        "RandomColorJitter", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
        "RandomPosterization", "RandomSaturation", "RandomSharpness", "Solarization", "AugMix", "CutMix", "MixUp",
        "RandAugment", "RandomElasticTransform", "RandomErasing", "RandomPerspective", "RandomShear")},
}


__getattr__, __dir__ = lazy_exports(__name__, {name: (module, name) for name, module in _LAZY.items()},
                                    MissingAttributeError)
