"""`keras.utils.FeatureSpace`: declare how each column of structured data is encoded, in one place.

    feature_space = FeatureSpace(
        features={"age": "float_normalized", "city": "string_categorical", "zip": "integer_hashed"},
        output_mode="concat")
    feature_space.adapt(train_ds_without_labels)      # vocabularies, means, bin edges from the data
    train_ds = train_ds.map(lambda x, y: (feature_space(x), y))
    inputs = feature_space.get_inputs()               # or: one symbolic model over raw columns
    model = keras.Model(inputs, head(feature_space.get_encoded_features()))

Each feature is a preprocessing layer (Normalization, Rescaling, Discretization, String/IntegerLookup,
Hashing, or an identity for plain floats) plus an output mode: "float", "int", or "one_hot", which
adds a multi-hot CategoryEncoding sized to the preprocessor's vocabulary/bins. With
`output_mode="concat"` the encoded features are concatenated in sorted name order into one float32
matrix; with "dict" they come back by name. Calling it on a dict of one sample (scalars) returns one
unbatched row, as Keras does.

Feature crosses (`crosses=[("a", "b")]` or `FeatureSpace.cross(...)`) hash the combination of the
features' preprocessed values (lookup indices, hash bins) into `crossing_dim` bins with HashedCrossing,
one crosser per cross in `.crossers` (named "a_X_b"); they come after the features, in sorted name
order, and are one-hot encoded unless their output_mode is "int".
"""
import numpy as np
import torch

from tkeras.backend.keras_tensor import KerasTensor
from tkeras.backend.naming import unique_name
from tkeras.layers.layer import Layer
from tkeras.saving.serialization import register_keras_serializable

_NAMED = ("float", "float_normalized", "float_rescaled", "float_discretized", "integer_categorical",
          "string_categorical", "integer_hashed", "string_hashed")


class Cross:
    """Features crossed into one hashed feature of `crossing_dim` bins, named "<a>_X_<b>"."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot'}}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """One column: its input dtype, its preprocessing layer and how its result is encoded."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot', "
                             f"'float'}}. Received: output_mode={output_mode}")
        if isinstance(preprocessor, dict):
            from tkeras.saving.serialization import deserialize_keras_object
            preprocessor = deserialize_keras_object(preprocessor)
        self.dtype = dtype
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@register_keras_serializable(package="FeatureSpace")
class TFDIdentity(Layer):
    """The preprocessor of a plain "float" feature: hands its input on, as float32 (Keras' class name)."""

    def call(self, inputs):
        return inputs.to(torch.float32) if isinstance(inputs, torch.Tensor) else inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class FeatureSpace(Layer):
    # -- feature constructors (Keras' classmethods) ---------------------------------------------------
    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or unique_name("float")
        return Feature("float32", TFDIdentity(name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        from tkeras import layers
        name = name or unique_name("float_rescaled")
        return Feature("float32", layers.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"),
                       "float")

    @classmethod
    def float_normalized(cls, name=None):
        from tkeras import layers
        name = name or unique_name("float_normalized")
        return Feature("float32", layers.Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        from tkeras import layers
        name = name or unique_name("float_discretized")
        preprocessor = layers.Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                                             name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        from tkeras import layers
        name = name or unique_name("integer_categorical")
        preprocessor = layers.IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                            num_oov_indices=num_oov_indices)
        return Feature("int32", preprocessor, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        from tkeras import layers
        name = name or unique_name("string_categorical")
        preprocessor = layers.StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                           num_oov_indices=num_oov_indices)
        return Feature("string", preprocessor, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        from tkeras import layers
        name = name or unique_name("string_hashed")
        return Feature("string", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        from tkeras import layers
        name = name or unique_name("integer_hashed")
        return Feature("int32", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    # -- construction -----------------------------------------------------------------------------------
    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        if output_mode not in ("dict", "concat"):
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'dict', 'concat'}}. "
                             f"Received: output_mode={output_mode}")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.output_mode = output_mode
        self.features = {name: self._standardize_feature(name, value) for name, value in features.items()}
        self.crosses = [self._standardize_cross(cross) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.preprocessors = {name: feature.preprocessor for name, feature in self.features.items()}
        for name, preprocessor in self.preprocessors.items():
            self.add_module(_module_key("preprocessor", name), preprocessor)
        from tkeras.layers.preprocessing.hashed_crossing import HashedCrossing
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name) for cross in self.crosses}
        for name, crosser in self.crossers.items():
            self.add_module(_module_key("crosser", name), crosser)
        self.inputs = None
        self.encoded_features = None
        self.one_hot_encoders = {}
        self._is_adapted = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return Feature.from_config(feature.get("config", feature))
        if feature not in _NAMED:
            raise ValueError(f"Invalid feature type: {feature!r} for feature {name!r}; expected a FeatureSpace.* "
                             f"feature or one of {', '.join(_NAMED)}")
        if feature == "float_discretized":
            return self.float_discretized(name=name, num_bins=self.num_discretization_bins)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=name)
        return getattr(self, feature)(name=name)

    def _standardize_cross(self, cross):
        if isinstance(cross, Cross):
            return cross
        if isinstance(cross, dict):
            return Cross.from_config(cross.get("config", cross))
        if not self.crossing_dim:
            raise ValueError("When specifying `crosses`, the argument `crossing_dim` (dimensionality of the crossing "
                             "space) should be specified as well.")
        unknown = [name for name in cross if name not in self.features]
        if unknown:
            raise ValueError(f"All features referenced in the `crosses` argument should be present in the `features` "
                             f"dict. Received unknown features {unknown} in cross {tuple(cross)}")
        return Cross(cross, crossing_dim=self.crossing_dim)

    # -- adapting ---------------------------------------------------------------------------------------
    def _adaptable(self):
        names = []
        for name, preprocessor in self.preprocessors.items():
            if getattr(preprocessor, "input_mean", None) is not None:
                continue  # a Normalization given its mean and variance
            if type(preprocessor).__name__ == "Discretization" and getattr(preprocessor, "bin_boundaries", None):
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset):
        """Learn each adaptable preprocessor's state (vocabulary, mean/variance, bins) from `dataset`: a
        Dataset of feature dicts (batched or not) or a dict of arrays."""
        columns = _columns(dataset)
        for name in self._adaptable():
            if name not in columns:
                raise ValueError(f"FeatureSpace.adapt: the data has no feature {name!r}; it has {sorted(columns)}")
            self.preprocessors[name].adapt(_as_column(columns[name]))
        self._is_adapted = True
        self.get_encoded_features()
        self.built = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
                                 "using it.")
            self._is_adapted = True

    # -- the symbolic face --------------------------------------------------------------------------------
    def get_inputs(self):
        """One `keras.Input(shape=(1,))` per feature, by name, of the feature's dtype."""
        self.get_encoded_features()
        return self.inputs

    def get_encoded_features(self):
        """The encoded features as symbolic tensors of `get_inputs()` (one tensor, or a dict)."""
        self._check_if_adapted()
        if self.encoded_features is None:
            from tkeras.layers import Input
            self.inputs = {name: Input(shape=(1,), dtype=feature.dtype, name=name)
                           for name, feature in self.features.items()}
            self.encoded_features = self._encode(self.inputs)
        return self.encoded_features

    # -- encoding -------------------------------------------------------------------------------------------
    def _one_hot_encoder(self, name):
        if name not in self.one_hot_encoders:
            from tkeras import layers
            preprocessor = self.preprocessors.get(name) or self.crossers[name]
            kind = type(preprocessor).__name__
            if kind in ("StringLookup", "IntegerLookup"):
                size = preprocessor.vocabulary_size()
            elif kind == "CategoryEncoding":
                size = preprocessor.num_tokens
            elif kind in ("Discretization", "Hashing", "HashedCrossing"):
                size = preprocessor.num_bins
            else:
                raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a standard feature "
                                 f"and the dimensionality of its output space is not known, thus it cannot be "
                                 f"one-hot encoded. Try using `output_mode='int'`.")
            self.one_hot_encoders[name] = layers.CategoryEncoding(num_tokens=size, output_mode="multi_hot")
        return self.one_hot_encoders[name]

    def _encode(self, data):
        preprocessed = {name: self.preprocessors[name](data[name]) for name in sorted(self.features)}
        # Crosses hash the preprocessed values (indices, bins), after the features, in name order.
        crossed = {cross.name: self.crossers[cross.name]([preprocessed[n] for n in cross.feature_names])
                   for cross in sorted(self.crosses, key=lambda c: c.name)}
        specs = {**self.features, **self.crosses_by_name}
        encoded = {}
        for name, value in {**preprocessed, **crossed}.items():
            if specs[name].output_mode == "one_hot":
                dtype = _dtype_name(value)
                if not dtype.startswith("int"):
                    raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. Thus its preprocessor should "
                                     f"return an integer dtype. Instead it returns a {dtype} dtype.")
                value = self._one_hot_encoder(name)(value)
            encoded[name] = value
        if self.output_mode == "dict":
            return encoded
        for name, value in encoded.items():
            dtype = _dtype_name(value)
            if dtype.startswith("int") or dtype == "string":
                raise ValueError(f"Cannot concatenate features because feature '{name}' has not been encoded (it has "
                                 f"dtype {dtype}). Consider using `output_mode='dict'`.")
        values = list(encoded.values())
        if any(isinstance(v, KerasTensor) for v in values):
            from tkeras import layers
            return layers.Concatenate(axis=-1)(values) if len(values) > 1 else values[0]
        return torch.cat([torch.as_tensor(v, dtype=torch.float32) for v in values], dim=-1)

    def __call__(self, data):
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data!r:.100} "
                             f"(of type {type(data).__name__})")
        self.get_encoded_features()
        missing = [name for name in self.features if name not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data lacks feature(s) {missing}; it has {sorted(data)}")
        columns, single = {}, False
        for name in self.features:
            column = _plain(data[name])
            if column.ndim == 0:
                column, single = column.reshape(1, 1), True
            elif column.ndim == 1:
                column = column[:, None]
            columns[name] = column
        merged = self._encode(columns)
        if single:
            if isinstance(merged, dict):
                return {name: value[0] if value.dim() == 2 and value.shape[0] == 1 else value
                        for name, value in merged.items()}
            return merged[0]
        return merged

    def get_build_config(self):
        """Each preprocessor's build config: written by `save` so that a load rebuilds them before
        their adapted state (variables, vocabularies) is read back; None before `adapt`."""
        if not self._is_adapted:
            return None
        return {name: preprocessor.get_build_config() for name, preprocessor in self.preprocessors.items()
                if hasattr(preprocessor, "get_build_config")}

    def build_from_config(self, config):
        for name, build_config in (config or {}).items():
            preprocessor = self.preprocessors.get(name)
            if preprocessor is not None and build_config and not getattr(preprocessor, "built", True):
                preprocessor.build_from_config(build_config)
        self._is_adapted = True  # the state written with the config is read into the preprocessors next
        self.built = True

    def save(self, filepath):
        """Write this FeatureSpace (its configuration and adapted state) to a `.keras` file, which
        `keras.models.load_model` reads back as a FeatureSpace."""
        from tkeras.saving import saving_api
        saving_api.save_model(self, filepath)

    # -- config -------------------------------------------------------------------------------------------
    def get_config(self):
        features = {name: {"module": "keras.utils", "class_name": "Feature", "config": feature.get_config(),
                           "registered_name": "Feature"} for name, feature in self.features.items()}
        return {"features": features, "output_mode": self.output_mode,
                "crosses": [{"module": "keras.utils", "class_name": "Cross", "config": c.get_config(),
                             "registered_name": "Cross"} for c in self.crosses], "crossing_dim": self.crossing_dim,
                "hashing_dim": self.hashing_dim, "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _plain(value):
    """A column as a NumPy array (strings stay strings)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype.kind in ("S", "O"):
        array = np.array([v.decode("utf-8") if isinstance(v, bytes) else v for v in array.ravel()],
                         dtype=str).reshape(array.shape)
    return array


def _as_column(values):
    array = _plain(values)
    return array[:, None] if array.ndim <= 1 else array


def _columns(dataset):
    """Feature name -> all its values, from a dict of arrays or a Dataset of (batched) feature dicts."""
    if isinstance(dataset, dict):
        return {name: _plain(values).reshape(-1) for name, values in dataset.items()}
    if not hasattr(dataset, "__iter__"):
        raise ValueError(f"`adapt()` can only be called on a tf.data.Dataset or a dict of arrays/lists. Received "
                         f"instead: {dataset!r:.100} (of type {type(dataset).__name__})")
    parts = {}
    for element in dataset:
        if isinstance(element, tuple):  # (features, labels)
            element = element[0]
        if not isinstance(element, dict):
            raise ValueError(f"FeatureSpace.adapt: the dataset must yield dicts of features; it yields "
                             f"{type(element).__name__}")
        for name, value in element.items():
            parts.setdefault(name, []).append(np.atleast_1d(_plain(value)).reshape(-1))
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def _dtype_name(value):
    dtype = value.dtype
    if isinstance(dtype, str):
        return dtype
    if isinstance(dtype, torch.dtype):
        return str(dtype).replace("torch.", "")
    return "string" if np.dtype(dtype).kind in ("U", "S", "O") else np.dtype(dtype).name


def _module_key(prefix, feature_name):
    """The torch submodule name for a feature's layer: torch refuses "." in it, and bank-marketing style
    columns ("emp.var.rate") carry dots."""
    return f"{prefix}_{feature_name}".replace(".", "_dot_")
