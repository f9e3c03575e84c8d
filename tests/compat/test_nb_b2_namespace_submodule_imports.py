"""`from tensorflow.data.experimental import AUTOTUNE` (and the same from TensorFlow's private
`tensorflow.python.data.experimental`): TensorFlow ships these as importable submodules. tkeras keeps
`tf.data.experimental` as one stand-in object inside its `tf.data` module, so the import statement
failed though `tf.data.experimental.AUTOTUNE` worked."""
import importlib

import pytest


@pytest.fixture
def tf():
    from tkeras import compat
    compat.install()
    yield importlib.import_module("tensorflow")
    compat.uninstall()


@pytest.mark.parametrize("module", ["tensorflow.data.experimental", "tensorflow.python.data.experimental"])
def test_the_submodule_imports_with_the_stand_ins_names(tf, module):
    experimental = importlib.import_module(module)
    assert experimental.AUTOTUNE == tf.data.AUTOTUNE == -1
    assert experimental.AUTOTUNE is tf.data.experimental.AUTOTUNE
    assert "AUTOTUNE" in dir(experimental)
    namespace = {}
    exec(f"from {module} import AUTOTUNE", namespace)
    assert namespace["AUTOTUNE"] == -1


def test_a_missing_name_fails_with_the_one_line_message(tf):
    with pytest.raises(ImportError, match="not supported in tkeras"):
        exec("from tensorflow.data.experimental import NoSuchThing", {})


def test_a_module_tkeras_lacks_still_fails_as_before(tf):
    with pytest.raises(ModuleNotFoundError, match="tensorflow.python.eager is not supported in tkeras"):
        importlib.import_module("tensorflow.python.eager")


def test_uninstall_forgets_the_submodule(tf):
    import sys
    importlib.import_module("tensorflow.data.experimental")
    from tkeras import compat
    compat.uninstall()
    assert "tensorflow.data.experimental" not in sys.modules
    compat.install()
