"""Keras 2's scikit-learn wrappers (`keras.wrappers.scikit_learn.KerasClassifier` / `KerasRegressor`).

Keras 2.0-2.11 and tf.keras up to TensorFlow 2.11 shipped them; tutorials from those years still pass a
`build_fn` that builds and compiles a fresh model, with the model's and `fit`'s arguments mixed in one
bag of keyword arguments (`KerasClassifier(build_fn=make, epochs=150, batch_size=10, units=12)`), and
hand the estimator to `cross_val_score` or `GridSearchCV`. Keras 3 replaced them with
`keras.wrappers.SKLearnClassifier` (`sklearn_wrapper.py`), whose arguments are split differently, so
the old classes live on here with their own rules:

- every keyword is checked against the arguments of `build_fn` and of `fit`/`predict`/`evaluate`
  (a typo raises at construction, as in Keras 2); each call then takes the ones its function names;
- `fit` builds a new model every time and returns its History (not the estimator);
- the classifier maps any labels to 0..n-1 (`classes_`), one-hot encodes them when the model's loss
  is categorical crossentropy, predicts argmax (or > 0.5 for one sigmoid unit, keeping that column
  axis as Keras 2's `predict_classes` did), and scores by the compiled accuracy metric; the regressor
  scores by the negated loss, so that scikit-learn's "greater is better" holds.

Keras 1's `nb_epoch` is taken as `epochs`. As in Keras 2, scikit-learn is not needed to make or use
them; where it is installed they derive from its base classes, so its tags (classifier or regressor)
and cloning work. They return shallow copies of their parameters: `sklearn.base.clone` requires the
clone's parameters to be the very objects it passed in.
"""
import inspect
import types

import numpy as np

from tkeras.wrappers.sklearn_wrapper import BaseEstimator, ClassifierMixin, RegressorMixin

# Keras 1 spellings that old scripts put among the estimator's parameters; fit() understands them.
_LEGACY_FIT_ARGUMENTS = ("nb_epoch",)


def _takes_argument(function, name):
    """Whether `function` names `name` among its parameters (a `**kwargs` catch-all does not count)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    parameter = parameters.get(name)
    return parameter is not None and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)


def _model_methods():
    from tkeras.models import Sequential
    return Sequential.fit, Sequential.predict, Sequential.predict_classes, Sequential.evaluate


def _uses_categorical_crossentropy(model):
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        return loss == "categorical_crossentropy"
    from tkeras.losses import CategoricalCrossentropy
    if isinstance(loss, CategoricalCrossentropy):
        return True
    return getattr(loss, "__name__", None) == "categorical_crossentropy"


class BaseWrapper(BaseEstimator):
    """The shared part: parameters, model building and fitting (Keras 2's BaseWrapper)."""

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        """The callable that makes the model: `build_fn`, its `__call__` for an object, or this class's
        own `__call__` when a subclass supplies it instead of `build_fn`."""
        if self.build_fn is None:
            if not callable(self):
                raise ValueError(f"{type(self).__name__}: build_fn is None, so the class must define __call__ "
                                 f"to build and compile the model")
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        if not callable(self.build_fn):
            raise ValueError(f"{type(self).__name__}: build_fn must be a function or an object with __call__ that "
                             f"returns a compiled model, got {self.build_fn!r}")
        return self.build_fn.__call__

    def check_params(self, params):
        """Raise for a parameter that neither the model builder nor fit/predict/evaluate takes."""
        legal = (*_model_methods(), self._builder())
        for name in params:
            if name not in _LEGACY_FIT_ARGUMENTS and not any(_takes_argument(fn, name) for fn in legal):
                raise ValueError(f"{name} is not a legal parameter of {type(self).__name__}: it is no argument of "
                                 f"the build function nor of fit, predict or evaluate")

    def get_params(self, **params):
        """The constructor's parameters (`deep` and any other argument are ignored, as in Keras 2)."""
        result = dict(self.sk_params)
        result["build_fn"] = self.build_fn
        return result

    def set_params(self, **params):
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The parameters `fn` takes, with `override`'s values on top."""
        result = {name: value for name, value in self.sk_params.items() if _takes_argument(fn, name)}
        result.update(override or {})
        return result

    def _fit_arguments(self, kwargs):
        fit = _model_methods()[0]
        arguments = self.filter_sk_params(fit)
        arguments.update({name: self.sk_params[name] for name in _LEGACY_FIT_ARGUMENTS if name in self.sk_params})
        arguments.update(kwargs)
        return arguments

    def fit(self, x, y, **kwargs):
        """Build a new model and fit it to (x, y); returns the History."""
        builder = self._builder()
        self.model = builder(**self.filter_sk_params(builder))
        y = np.asarray(y)
        if _uses_categorical_crossentropy(self.model) and y.ndim != 2:
            from tkeras.utils import to_categorical
            y = to_categorical(y)
        return self.model.fit(x, y, **self._fit_arguments(kwargs))


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """scikit-learn classifier around a Keras model that `build_fn` builds and compiles."""

    def fit(self, x, y, sample_weight=None, **kwargs):
        y = np.array(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])  # one-hot targets: the columns are the classes
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"KerasClassifier.fit: invalid shape for y: {y.shape} (expected (samples,), "
                             f"(samples, 1) or one-hot (samples, classes))")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Class labels: the argmax of the model's output, or output > 0.5 for one sigmoid unit."""
        kwargs = self.filter_sk_params(_model_methods()[2], kwargs)
        probabilities = np.asarray(self.model.predict(x, **kwargs))
        if probabilities.shape[-1] > 1:
            indices = probabilities.argmax(axis=-1)
        else:
            indices = (probabilities > 0.5).astype("int32")
        return self.classes_[indices]

    def predict_proba(self, x, **kwargs):
        """Class probabilities; a one-unit sigmoid output becomes the two columns (1 - p, p)."""
        kwargs = self.filter_sk_params(_model_methods()[2], kwargs)
        probabilities = np.asarray(self.model.predict(x, **kwargs))
        if probabilities.shape[1] == 1:
            probabilities = np.hstack([1 - probabilities, probabilities])
        return probabilities

    def score(self, x, y, **kwargs):
        """The model's compiled accuracy on (x, y)."""
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(_model_methods()[3], kwargs)
        if _uses_categorical_crossentropy(self.model) and np.ndim(y) != 2:
            from tkeras.utils import to_categorical
            y = to_categorical(y)
        outputs = self.model.evaluate(x, y, **kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, value in zip(self.model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return value
        raise ValueError("The model is not configured to compute accuracy: pass metrics=['accuracy'] to "
                         "model.compile() in the build function to score a KerasClassifier")


class KerasRegressor(RegressorMixin, BaseWrapper):
    """scikit-learn regressor around a Keras model that `build_fn` builds and compiles."""

    def predict(self, x, **kwargs):
        """The model's predictions, without a trailing axis of one."""
        kwargs = self.filter_sk_params(_model_methods()[1], kwargs)
        predictions = np.asarray(self.model.predict(x, **kwargs))
        return np.squeeze(predictions, axis=-1) if predictions.shape[-1] == 1 else predictions

    def score(self, x, y, **kwargs):
        """The negated loss on (x, y): scikit-learn maximises scores."""
        kwargs = self.filter_sk_params(_model_methods()[3], kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        return -loss[0] if isinstance(loss, list) else -loss
