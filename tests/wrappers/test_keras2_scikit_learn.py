"""keras.wrappers.scikit_learn (Keras 2 / tf.keras <= 2.11): KerasClassifier and KerasRegressor around a
`build_fn`, with model and fit arguments in one set of keyword arguments, as the tutorials of those
years use them. scikit-learn's own machinery (clone, cross_val_score, GridSearchCV) where installed."""
import importlib

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat.import_hook import install, uninstall
from tkeras.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def _separable(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    return x, x @ np.array([2.0, -1.0, 0.5, 1.0], "float32")


def make_binary(units=8, learning_rate=0.05):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def make_three_classes(units=8):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def make_regressor(units=8):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    return model


def test_classifier_takes_model_and_fit_arguments_from_one_set_of_keywords():
    x, score = _separable()
    y = np.where(score > 0, "spam", "ham")
    clf = KerasClassifier(build_fn=make_binary, units=6, epochs=3, batch_size=16, verbose=0)
    history = clf.fit(x, y)
    assert len(history.history["loss"]) == 3  # fit returns the History, as in Keras 2
    assert clf.model.layers[0].units == 6
    assert list(clf.classes_) == ["ham", "spam"] and clf.n_classes_ == 2
    probabilities = clf.model.predict(x, batch_size=16, verbose=0)  # predict takes batch_size too
    np.testing.assert_array_equal(clf.predict_proba(x), np.hstack([1 - probabilities, probabilities]))
    labels = clf.predict(x)
    assert labels.shape == (96, 1)  # Keras 2's predict_classes kept the sigmoid's column axis
    np.testing.assert_array_equal(labels[:, 0], np.where(probabilities[:, 0] > 0.5, "spam", "ham"))


def test_categorical_crossentropy_gets_one_hot_targets_and_score_is_the_compiled_accuracy():
    x, score = _separable()
    labels = np.digitize(score, [-1.0, 1.0]) * 10  # classes 0, 10, 20
    clf = KerasClassifier(make_three_classes, epochs=20, batch_size=32, verbose=0)
    clf.fit(x, labels)
    np.testing.assert_array_equal(clf.classes_, [0, 10, 20])
    predicted = clf.predict(x)
    assert set(np.unique(predicted)) <= {0, 10, 20}
    np.testing.assert_array_equal(predicted, clf.classes_[clf.model.predict(x, verbose=0).argmax(-1)])
    assert clf.score(x, labels) == pytest.approx(np.mean(predicted == labels), abs=1e-6)
    assert clf.score(x, labels) > 0.8


def test_one_hot_targets_make_the_columns_the_classes():
    x, score = _separable()
    one_hot = np.eye(3)[np.digitize(score, [-1.0, 1.0])]
    clf = KerasClassifier(make_three_classes, epochs=1, verbose=0)
    clf.fit(x, one_hot)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match=r"invalid shape for y: \(96, 3, 1\)"):
        clf.fit(x, one_hot[..., None])


def test_regressor_predicts_without_the_unit_axis_and_scores_the_negated_loss():
    x, score = _separable()
    reg = KerasRegressor(build_fn=make_regressor, epochs=2, batch_size=32, verbose=0)
    reg.fit(x, score)
    predicted = reg.predict(x)
    assert predicted.shape == (96,)
    assert reg.score(x, score) == pytest.approx(-np.mean((predicted - score) ** 2), rel=1e-5)


def test_keras1_nb_epoch_sets_the_epochs():
    x, score = _separable()
    history = KerasRegressor(build_fn=make_regressor, nb_epoch=4, verbose=0).fit(x, score)
    assert len(history.history["loss"]) == 4


def test_a_parameter_nothing_takes_is_refused_at_construction():
    with pytest.raises(ValueError, match="epoch is not a legal parameter of KerasClassifier"):
        KerasClassifier(build_fn=make_binary, epoch=3)
    clf = KerasClassifier(build_fn=make_binary, units=4)
    with pytest.raises(ValueError, match="unit is not a legal parameter"):
        clf.set_params(unit=5)
    assert clf.set_params(units=5, epochs=2).get_params() == {"units": 5, "epochs": 2, "build_fn": make_binary}


def test_build_fn_may_be_an_object_or_the_subclass_itself():
    x, score = _separable()

    class Builder:
        def __call__(self, units=3):
            return make_regressor(units)

    reg = KerasRegressor(build_fn=Builder(), units=5, epochs=1, verbose=0)
    reg.fit(x, score)
    assert reg.model.layers[0].units == 5

    class OwnClassifier(KerasClassifier):
        def __call__(self, units=2):
            return make_binary(units)

    clf = OwnClassifier(units=7, epochs=1, verbose=0)
    clf.fit(x, score > 0)
    assert clf.model.layers[0].units == 7


def test_score_without_an_accuracy_metric_says_what_to_compile():
    x, score = _separable()

    def no_metrics():
        model = make_binary()
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    clf = KerasClassifier(build_fn=no_metrics, epochs=1, verbose=0)
    clf.fit(x, score > 0)
    with pytest.raises(ValueError, match=r"metrics=\['accuracy'\]"):
        clf.score(x, score > 0)


def test_scikit_learn_clones_cross_validates_and_grid_searches():
    pytest.importorskip("sklearn")
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.model_selection import GridSearchCV, cross_val_score
    x, score = _separable()
    y = (score > 0).astype("int64")
    callbacks = [keras.callbacks.History()]
    clf = KerasClassifier(build_fn=make_binary, epochs=2, batch_size=16, verbose=0, callbacks=callbacks)
    assert is_classifier(clf) and is_regressor(KerasRegressor(build_fn=make_regressor))
    copy = clone(clf)  # raises unless get_params hands back the very objects the constructor got
    assert sorted(copy.get_params()) == ["batch_size", "build_fn", "callbacks", "epochs", "verbose"]
    assert copy.get_params()["callbacks"] is not callbacks  # clone deep-copies plain values
    scores = cross_val_score(clf, x, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    search = GridSearchCV(KerasClassifier(build_fn=make_binary, epochs=1, verbose=0), {"units": [2, 4]}, cv=2)
    search.fit(x, y)
    assert search.best_params_["units"] in (2, 4) and "KerasClassifier" in repr(search.best_estimator_)


@pytest.mark.parametrize("path", ["keras.wrappers.scikit_learn", "tensorflow.keras.wrappers.scikit_learn"])
def test_the_keras2_module_paths_reach_the_wrappers(path):
    install()
    try:
        module = importlib.import_module(path)
        assert module.KerasClassifier is KerasClassifier and module.KerasRegressor is KerasRegressor
    finally:
        uninstall()
