"""scikit-learn estimators around a compiled Keras model (`keras.wrappers.SKLearnClassifier`, ...).

`model` is a compiled Model (cloned, with its compile settings, for every `fit`) or a function
`model(X, y, **model_kwargs)` that builds and compiles one for the data. The estimators then take
part in scikit-learn pipelines, grid searches and cross-validation. scikit-learn itself is optional:
the classes exist without it and say how to install it when made.
"""
import copy

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes still import; constructing one explains what is missing
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def _require_sklearn(name):
    if sklearn is None:
        raise ImportError(f"{name} needs scikit-learn: pip install scikit-learn")


def _check_compiled(model):
    if not getattr(model, "_compiled", False) or not model.loss or not model.optimizer:
        raise RuntimeError(f"the model {getattr(model, 'name', model)!r} must be compiled with a loss and an "
                           f"optimizer before the scikit-learn wrapper can fit it")


class _ColumnTarget:
    """1-D targets as a column for the model, and model outputs back to 1-D when the targets were."""

    def fit(self, y):
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        y = np.asarray(y)
        return y[:, 0] if self.ndim_ == 1 and y.ndim == 2 and y.shape[1] == 1 else y


class SKLBase(BaseEstimator):
    """What the three wrappers share: scikit-learn's parameters, data checks, fit and predict."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_clone__(self):
        model = self.model if callable(self.model) and not hasattr(self.model, "fit") else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start, model_kwargs=self.model_kwargs,
                          fit_kwargs=self.fit_kwargs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    @property
    def epoch_(self):
        return len(getattr(getattr(self, "history_", None), "epoch", []) or [])

    def _check_X(self, X, reset):
        from sklearn.utils.validation import check_array
        X = check_array(X, dtype=None)
        if reset:
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"{type(self).__name__}: X has {X.shape[1]} features, but the estimator was fitted "
                             f"with {self.n_features_in_}")
        return X

    def _new_model(self, X, y):
        from tkeras.models.cloning import clone_model
        if hasattr(self.model, "fit") and hasattr(self.model, "predict"):
            return clone_model(self.model)
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Fit a fresh copy of the model (or keep training it with `warm_start=True`)."""
        X = self._check_X(X, reset=True)
        y = self._process_target(np.asarray(y), reset=True)
        model = self.model_ if self.warm_start and hasattr(self, "model_") else self._new_model(X, y)
        _check_compiled(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        return self._reverse_process_target(self.model_.predict(X, verbose=0))

    def _process_target(self, y, reset=False):
        if reset:
            self._target_encoder = _ColumnTarget().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier: labels are one-hot encoded for the model (which should end in a
    softmax over the classes and use categorical crossentropy), and predictions decoded back to labels."""

    def decision_function(self, X):
        """The model's raw outputs (class scores)."""
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        return self.model_.predict(self._check_X(X, reset=False), verbose=0)

    def _process_target(self, y, reset=False):
        from sklearn.preprocessing import OneHotEncoder
        from sklearn.utils.multiclass import type_of_target
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"SKLearnClassifier: targets must be binary or multiclass labels; these are {kind!r}")
        if reset:
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError(f"SKLearnClassifier: the targets hold one class only ({self.classes_[0]!r}); a "
                                 f"classifier needs at least two")
            self._column = _ColumnTarget().fit(y)
            self._one_hot = OneHotEncoder(sparse_output=False).fit(self._column.transform(y))
        return self._one_hot.transform(self._column.transform(y))

    def _reverse_process_target(self, y):
        return self._column.inverse_transform(self._one_hot.inverse_transform(y))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor: targets go to the model as they are (1-D as a column)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer: `transform(X)` is the model's prediction (e.g. an encoder's codes)."""

    def transform(self, X):
        from sklearn.utils.validation import check_is_fitted
        check_is_fitted(self)
        return self.model_.predict(self._check_X(X, reset=False), verbose=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
