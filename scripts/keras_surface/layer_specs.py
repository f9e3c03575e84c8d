"""Constructor table: name -> (builder(K) -> layer, input maker(np) -> inputs or None)."""
import numpy as np

f32 = np.float32


def x(*shape, dtype=f32, lo=0.0, hi=1.0):
    rng = np.random.default_rng(0)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(int(lo), int(hi), size=shape).astype(dtype)
    return rng.uniform(lo, hi, size=shape).astype(dtype)


IMG = lambda: x(2, 8, 8, 3, hi=255.0)
SEQ = lambda: x(2, 5, 4)
VEC = lambda: x(2, 4)
PAIR = lambda: [x(2, 4), x(2, 4)]

S = {}


def spec(name, build, inp):
    S[name] = (build, inp)


L = lambda K: K.layers
spec('Activation', lambda K: L(K).Activation('relu'), VEC)
spec('ActivityRegularization', lambda K: L(K).ActivityRegularization(l1=0.01), VEC)
for d in (1, 2, 3):
    shp = {1: (2, 8, 3), 2: (2, 8, 8, 3), 3: (2, 4, 4, 4, 3)}[d]
    ps = 2
    for n in ('AdaptiveAveragePooling', 'AdaptiveMaxPooling'):
        spec(f'{n}{d}D', (lambda n, d: lambda K: getattr(L(K), f'{n}{d}D')(2))(n, d), (lambda s: lambda: x(*s))(shp))
    for n in ('AveragePooling', 'MaxPooling'):
        spec(f'{n}{d}D', (lambda n, d: lambda K: getattr(L(K), f'{n}{d}D')(ps))(n, d), (lambda s: lambda: x(*s))(shp))
    for n in ('GlobalAveragePooling', 'GlobalMaxPooling'):
        spec(f'{n}{d}D', (lambda n, d: lambda K: getattr(L(K), f'{n}{d}D')())(n, d), (lambda s: lambda: x(*s))(shp))
    spec(f'Conv{d}D', (lambda d: lambda K: getattr(L(K), f'Conv{d}D')(2, 3 if d < 3 else 2))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'Conv{d}DTranspose', (lambda d: lambda K: getattr(L(K), f'Conv{d}DTranspose')(2, 2))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'Cropping{d}D', (lambda d: lambda K: getattr(L(K), f'Cropping{d}D')(1))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'ZeroPadding{d}D', (lambda d: lambda K: getattr(L(K), f'ZeroPadding{d}D')(1))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'UpSampling{d}D', (lambda d: lambda K: getattr(L(K), f'UpSampling{d}D')(2))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'SpatialDropout{d}D', (lambda d: lambda K: getattr(L(K), f'SpatialDropout{d}D')(0.5))(d), (lambda s: lambda: x(*s))(shp))
    cshp = {1: (2, 3, 6, 2), 2: (2, 3, 6, 6, 2), 3: (2, 3, 4, 4, 4, 2)}[d]
    spec(f'ConvLSTM{d}D', (lambda d: lambda K: getattr(L(K), f'ConvLSTM{d}D')(2, 2))(d), (lambda s: lambda: x(*s))(cshp))
for d in (1, 2):
    shp = {1: (2, 8, 3), 2: (2, 8, 8, 3)}[d]
    spec(f'DepthwiseConv{d}D', (lambda d: lambda K: getattr(L(K), f'DepthwiseConv{d}D')(3))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'SeparableConv{d}D', (lambda d: lambda K: getattr(L(K), f'SeparableConv{d}D')(4, 3))(d), (lambda s: lambda: x(*s))(shp))
    spec(f'LocallyConnected{d}D', (lambda d: lambda K: getattr(L(K), f'LocallyConnected{d}D')(2, 3))(d), (lambda s: lambda: x(*s))(shp))
for n in ('Add', 'Average', 'Maximum', 'Minimum', 'Multiply', 'Subtract'):
    spec(n, (lambda n: lambda K: getattr(L(K), n)())(n), PAIR)
spec('Concatenate', lambda K: L(K).Concatenate(), PAIR)
spec('Dot', lambda K: L(K).Dot(axes=1), PAIR)
spec('AdditiveAttention', lambda K: L(K).AdditiveAttention(), lambda: [SEQ(), SEQ()])
spec('Attention', lambda K: L(K).Attention(), lambda: [SEQ(), SEQ()])
spec('MultiHeadAttention', lambda K: L(K).MultiHeadAttention(2, 4), lambda: {'args': [SEQ(), SEQ()]})
spec('GroupQueryAttention', lambda K: L(K).GroupQueryAttention(4, 2, 1), lambda: {'args': [SEQ(), SEQ()]})
spec('AlphaDropout', lambda K: L(K).AlphaDropout(0.5), VEC)
spec('Dropout', lambda K: L(K).Dropout(0.5), VEC)
spec('GaussianDropout', lambda K: L(K).GaussianDropout(0.5), VEC)
spec('GaussianNoise', lambda K: L(K).GaussianNoise(0.5), VEC)
spec('BatchNormalization', lambda K: L(K).BatchNormalization(), VEC)
spec('LayerNormalization', lambda K: L(K).LayerNormalization(), VEC)
spec('GroupNormalization', lambda K: L(K).GroupNormalization(groups=2), VEC)
spec('RMSNormalization', lambda K: L(K).RMSNormalization(), VEC)
spec('UnitNormalization', lambda K: L(K).UnitNormalization(), VEC)
spec('SpectralNormalization', lambda K: L(K).SpectralNormalization(L(K).Dense(3)), VEC)
spec('Bidirectional', lambda K: L(K).Bidirectional(L(K).LSTM(3)), SEQ)
spec('TimeDistributed', lambda K: L(K).TimeDistributed(L(K).Dense(3)), SEQ)
spec('CategoryEncoding', lambda K: L(K).CategoryEncoding(num_tokens=5, output_mode='one_hot'), lambda: x(2, dtype=np.int32, hi=5))
spec('CenterCrop', lambda K: L(K).CenterCrop(4, 4), IMG)
spec('Resizing', lambda K: L(K).Resizing(4, 4), IMG)
spec('Rescaling', lambda K: L(K).Rescaling(1. / 255), IMG)
spec('Dense', lambda K: L(K).Dense(3), VEC)
spec('EinsumDense', lambda K: L(K).EinsumDense('ab,bc->ac', output_shape=3, bias_axes='c'), VEC)
spec('Embedding', lambda K: L(K).Embedding(10, 3), lambda: x(2, 4, dtype=np.int32, hi=10))
spec('ReversibleEmbedding', lambda K: L(K).ReversibleEmbedding(10, 3), lambda: x(2, 4, dtype=np.int32, hi=10))
spec('Discretization', lambda K: L(K).Discretization(bin_boundaries=[0.25, 0.5]), VEC)
spec('Hashing', lambda K: L(K).Hashing(num_bins=3), lambda: x(2, 4, dtype=np.int64, hi=100))
spec('HashedCrossing', lambda K: L(K).HashedCrossing(num_bins=5), lambda: (x(3, dtype=np.int64, hi=9), x(3, dtype=np.int64, hi=9)))
spec('IntegerLookup', lambda K: L(K).IntegerLookup(vocabulary=[1, 2, 3]), lambda: x(2, 4, dtype=np.int64, hi=5))
spec('StringLookup', lambda K: L(K).StringLookup(vocabulary=['a', 'b']), None)
spec('TextVectorization', lambda K: L(K).TextVectorization(vocabulary=['a', 'b']), None)
spec('Normalization', lambda K: L(K).Normalization(mean=0.5, variance=1.0), VEC)
spec('ELU', lambda K: L(K).ELU(), VEC)
spec('LeakyReLU', lambda K: L(K).LeakyReLU(), VEC)
spec('PReLU', lambda K: L(K).PReLU(), VEC)
spec('ReLU', lambda K: L(K).ReLU(), VEC)
spec('Softmax', lambda K: L(K).Softmax(), VEC)
spec('ThresholdedReLU', lambda K: L(K).ThresholdedReLU(), VEC)
spec('Flatten', lambda K: L(K).Flatten(), SEQ)
spec('Identity', lambda K: L(K).Identity(), VEC)
spec('Lambda', lambda K: L(K).Lambda(lambda t: t * 2), VEC)
spec('Masking', lambda K: L(K).Masking(), SEQ)
spec('Permute', lambda K: L(K).Permute((2, 1)), SEQ)
spec('RepeatVector', lambda K: L(K).RepeatVector(3), VEC)
spec('Reshape', lambda K: L(K).Reshape((2, 2)), VEC)
spec('Layer', lambda K: L(K).Layer(), None)
spec('InputLayer', lambda K: L(K).InputLayer(shape=(4,)) if hasattr(K, 'ops') else L(K).InputLayer(input_shape=(4,)), None)
for n in ('SimpleRNN', 'GRU', 'LSTM'):
    spec(n, (lambda n: lambda K: getattr(L(K), n)(3))(n), SEQ)
    spec(n + 'Cell', (lambda n: lambda K: getattr(L(K), n + 'Cell')(3))(n), None)
spec('RNN', lambda K: L(K).RNN(L(K).SimpleRNNCell(3)), SEQ)
spec('StackedRNNCells', lambda K: L(K).StackedRNNCells([L(K).SimpleRNNCell(3), L(K).SimpleRNNCell(2)]), None)
# image augmentation
spec('RandomBrightness', lambda K: L(K).RandomBrightness(0.2), IMG)
spec('RandomContrast', lambda K: L(K).RandomContrast(0.2), IMG)
spec('RandomCrop', lambda K: L(K).RandomCrop(4, 4), IMG)
spec('RandomFlip', lambda K: L(K).RandomFlip(), IMG)
spec('RandomRotation', lambda K: L(K).RandomRotation(0.1), IMG)
spec('RandomTranslation', lambda K: L(K).RandomTranslation(0.1, 0.1), IMG)
spec('RandomZoom', lambda K: L(K).RandomZoom(0.1), IMG)
spec('RandomHeight', lambda K: L(K).RandomHeight(0.1), IMG)
spec('RandomWidth', lambda K: L(K).RandomWidth(0.1), IMG)
for n in ('AugMix', 'AutoContrast', 'Equalization', 'RandomGrayscale',
          'RandomInvert', 'RandomErasing', 'RandomGaussianBlur', 'RandomPerspective',
          'RandomElasticTransform', 'RandAugment', 'CutMix', 'MixUp', 'Solarization',
          'ContrastLimitedAdaptiveHistogramEqualization'):
    spec(n, (lambda n: lambda K: getattr(L(K), n)())(n), IMG)
spec('RandomColorDegeneration', lambda K: L(K).RandomColorDegeneration(0.2), IMG)
spec('RandomColorJitter', lambda K: L(K).RandomColorJitter(brightness_factor=0.2), IMG)
spec('RandomHue', lambda K: L(K).RandomHue(0.2, value_range=(0, 255)), IMG)
spec('RandomSaturation', lambda K: L(K).RandomSaturation(0.2), IMG)
spec('RandomSharpness', lambda K: L(K).RandomSharpness(0.2), IMG)
spec('RandomPosterization', lambda K: L(K).RandomPosterization(factor=(1, 8)), IMG)
spec('RandomShear', lambda K: L(K).RandomShear(0.1), IMG)
spec('MaxNumBoundingBoxes', lambda K: L(K).MaxNumBoundingBoxes(max_number=3), None)
spec('Pipeline', lambda K: L(K).Pipeline([L(K).RandomFlip()]), IMG)
spec('MelSpectrogram', lambda K: L(K).MelSpectrogram(num_mel_bins=8, fft_length=64, sequence_stride=32, sequence_length=64), lambda: x(2, 256))
spec('STFTSpectrogram', lambda K: L(K).STFTSpectrogram(frame_length=64, frame_step=32, fft_length=64), lambda: x(2, 256, 1))
