"""tf-keras names that need TensorFlow's machinery are refused at construction, each saying what to use."""
import pytest

import tkeras as keras


@pytest.mark.parametrize("get, hint", [
    (lambda: keras.utils.SidecarEvaluator, "ModelCheckpoint\\(save_weights_only=True\\)"),
    (lambda: keras.callbacks.SidecarEvaluatorModelExport, "save_best_only=True"),
    (lambda: keras.utils.StepsPerExecutionTuner, "drop the tuner"),
])
def test_refused_with_the_alternative(get, hint):
    cls = get()
    with pytest.raises(NotImplementedError, match=f"{cls.__name__}: .*which tkeras does not have.*{hint}"):
        cls(None, None)
