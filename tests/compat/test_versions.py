"""Version attributes old scripts branch on take their modern branch (values: compat/legacy/versions.py)."""
import pytest

import tkeras
from tkeras.compat.import_hook import install, uninstall
from tkeras.compat.legacy.versions import VersionString


@pytest.fixture
def aliases():
    install()
    yield
    uninstall()


def test_tensorflow_and_keras_versions(aliases):
    import keras
    import tensorflow as tf
    import tensorflow.compat.v1 as tf1
    assert tf.__version__ == tf.version.VERSION == tf.VERSION == tf1.VERSION == "2.16.0"
    assert tf.version.GIT_VERSION == tf.GIT_VERSION == "v2.16.0-0-tkeras"
    assert keras.__version__ == tf.keras.__version__ == keras.version() == "3.15.1"
    assert tkeras.__version__ == "0.1.0"  # the package's own release is not the API level it reports


def test_version_checks_of_old_scripts_take_the_modern_branch(aliases):
    import keras
    import tensorflow as tf
    assert tf.__version__.startswith("2.") and int(tf.__version__.split(".")[0]) >= 2
    assert not tf.__version__.startswith("1.")
    # String comparisons order by number (real TF 2.16's '2.16.0' >= '2.4' is False as text).
    assert tf.__version__ >= "2.4" and tf.__version__ > "1.15.0" and not tf.__version__ < "2.2"
    assert tf.__version__ <= "2.16" and tf.__version__ < "2.17.0rc0" and not tf.__version__ > "2.16.0"
    assert keras.__version__ >= "2.2.5" and keras.__version__ > "3.9" and keras.__version__[0] == "3"


def test_version_string_stays_a_string():
    version = VersionString("2.16.0")
    assert isinstance(version, str) and version == "2.16.0" and hash(version) == hash("2.16.0")
    assert f"TF {version}" == "TF 2.16.0" and version.split(".") == ["2", "16", "0"]
    assert sorted([VersionString("2.16.0"), "2.9.1"]) == ["2.9.1", "2.16.0"]
    with pytest.raises(TypeError):
        version < 3  # only strings compare, as with str
