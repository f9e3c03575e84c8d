"""`model.save('my_model')` where a folder of that name exists (a SavedModel that TensorFlow wrote from the
same script before): tf-keras 2 rewrote the SavedModel; tkeras writes one file, so it must refuse before
writing anything, name the path and the way out, and leave the folder's files as they were."""
import os

import numpy as np
import pytest

import tkeras as keras


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def _folder_with_a_saved_model(tmp_path):
    folder = tmp_path / "my_model"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"\x08\x01")
    return folder


@pytest.mark.parametrize("save", [
    lambda model, path: model.save(path),
    lambda model, path: keras.models.save_model(model, path),
    lambda model, path: model.save(path, save_format="h5"),
])
def test_saving_onto_a_folder_is_refused_and_keeps_its_files(tmp_path, save):
    folder = _folder_with_a_saved_model(tmp_path)
    with pytest.raises(IsADirectoryError, match=r"my_model' is a folder .*'.*my_model\.keras'"):
        save(_model(), str(folder))
    assert sorted(os.listdir(folder)) == ["saved_model.pb", "variables"]
    assert (folder / "saved_model.pb").read_bytes() == b"\x08\x01"
    assert sorted(os.listdir(tmp_path)) == ["my_model"]  # no temporary file left beside it


def test_the_suggested_file_name_saves_and_loads(tmp_path):
    folder = _folder_with_a_saved_model(tmp_path)
    model = _model()
    model.save(str(folder) + ".keras")
    restored = keras.models.load_model(str(folder) + ".keras")
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_saved_files_get_the_permissions_open_would_give(tmp_path):
    """mkstemp's temporaries are 0o600; a saved model is readable by the group and others under umask 022,
    as Keras' files are, and a file that existed keeps its own mode."""
    model = _model()
    old_umask = os.umask(0o022)
    try:
        model.save(str(tmp_path / "m.keras"))
        model.save_weights(str(tmp_path / "m.weights.h5"))
        model.save(str(tmp_path / "m.h5"))
        for name in ("m.keras", "m.weights.h5", "m.h5"):
            assert os.stat(tmp_path / name).st_mode & 0o777 == 0o644, name
        os.chmod(tmp_path / "m.keras", 0o600)
        model.save(str(tmp_path / "m.keras"))
        assert os.stat(tmp_path / "m.keras").st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)
