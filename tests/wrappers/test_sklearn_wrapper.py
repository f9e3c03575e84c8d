"""keras.wrappers.SKLearn*: scikit-learn estimators around compiled models. The fit/predict tests run
where scikit-learn is installed (skipped otherwise); without it, making one names the package."""
import numpy as np
import pytest

import tkeras as keras


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((120, 4)).astype("float32")
    return X, X @ np.array([1.5, -2.0, 0.5, 1.0], "float32")


def _classifier(X, y, hidden=16):
    n_classes = len(np.unique(y, axis=0)) if y.ndim == 1 else y.shape[1]
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy")
    return model


def test_classifier_fits_and_predicts_labels():
    pytest.importorskip("sklearn")
    X, score = _data()
    y = np.where(score > 0, "pos", "neg")
    clf = keras.wrappers.SKLearnClassifier(model=_classifier, model_kwargs={"hidden": 8},
                                           fit_kwargs={"epochs": 30, "verbose": 0})
    clf.fit(X, y)
    assert list(clf.classes_) == ["neg", "pos"]
    predicted = clf.predict(X)
    assert predicted.shape == (120,) and set(predicted) <= {"neg", "pos"}
    assert (predicted == y).mean() > 0.9  # a linearly separable problem
    assert clf.decision_function(X).shape == (120, 2)
    assert clf.score(X, y) > 0.9  # ClassifierMixin's accuracy


def test_regressor_in_a_pipeline_with_cross_validation():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = _data(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    untouched = [w.copy() for w in model.get_weights()]
    regressor = keras.wrappers.SKLearnRegressor(model=model, fit_kwargs={"epochs": 60, "verbose": 0})
    pipeline = make_pipeline(StandardScaler(), regressor)
    scores = cross_val_score(pipeline, X, y, cv=3)  # R^2 of a linear target: close to 1
    assert scores.min() > 0.95
    regressor.fit(X, y)
    assert regressor.predict(X).shape == (120,)
    for before, after in zip(untouched, model.get_weights()):  # each fit trains a clone, not the given model
        np.testing.assert_array_equal(before, after)
    with pytest.raises(ValueError, match="3 features.*fitted with 4"):
        regressor.predict(X[:, :3])
    assert sklearn.base.clone(regressor).get_params()["fit_kwargs"] == {"epochs": 60, "verbose": 0}


def test_transformer_outputs_the_models_predictions_and_uncompiled_models_are_refused():
    pytest.importorskip("sklearn")
    X, y = _data(2)
    encoder = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    encoder.compile(optimizer="sgd", loss="mse")
    transformer = keras.wrappers.SKLearnTransformer(model=encoder, fit_kwargs={"epochs": 1, "verbose": 0})
    codes = transformer.fit(X, np.zeros((120, 2), "float32")).transform(X)
    np.testing.assert_allclose(codes, transformer.model_.predict(X, verbose=0), rtol=1e-6)
    bare = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="must be compiled"):
        keras.wrappers.SKLearnRegressor(model=bare).fit(X, y)


def test_without_scikit_learn_the_error_names_it(monkeypatch):
    from tkeras.wrappers import sklearn_wrapper
    monkeypatch.setattr(sklearn_wrapper, "sklearn", None)  # as the module is when the import failed
    for cls in (keras.wrappers.SKLearnClassifier, keras.wrappers.SKLearnRegressor, keras.wrappers.SKLearnTransformer):
        with pytest.raises(ImportError, match=f"{cls.__name__} needs scikit-learn: pip install scikit-learn"):
            cls(model=None)
