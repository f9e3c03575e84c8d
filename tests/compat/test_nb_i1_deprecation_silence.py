"""`tensorflow.python.util.deprecation`: notebooks switch TensorFlow's deprecation warnings off with it, and
TensorBoard's event-file reader enters `deprecation.silence()` once per file it opens; without the module it
falls back to one shared generator context manager, which fails on the second file."""
import pytest


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def test_silence_can_be_entered_again_and_restores_the_switch(aliases):
    from tensorflow.python.util import deprecation
    assert deprecation._PRINT_DEPRECATION_WARNINGS is True
    for _ in range(3):
        with deprecation.silence():
            assert deprecation._PRINT_DEPRECATION_WARNINGS is False
        assert deprecation._PRINT_DEPRECATION_WARNINGS is True


def test_switch_and_decorators_used_by_notebooks(aliases):
    from tensorflow.python.util import deprecation
    deprecation._PRINT_DEPRECATION_WARNINGS = False
    try:
        def square(x):
            return x * x
        assert deprecation.deprecated(None, "use cube")(square) is square
        assert deprecation.deprecated_args(None, "no y", "y")(square) is square
    finally:
        deprecation._PRINT_DEPRECATION_WARNINGS = True
