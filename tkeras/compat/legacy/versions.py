"""The version numbers `keras.__version__` and `tf.__version__` report under the import hook.

Old scripts branch on them: `tf.__version__.startswith('1.')`, `int(keras.__version__[0]) >= 2`,
`LooseVersion(tf.__version__) >= '1.13'`, and also plain string comparisons such as
`tf.__version__ >= '2.4'`, which real TensorFlow 2.10+ fails lexically ('2.16' < '2.4'). tkeras
follows the Keras 3 API as TensorFlow 2.16 ships it, so the values are TensorFlow 2.16.0 and
Keras 3.15.1 (the version tkeras' golden files were written with), held in a `str` that compares
with strings as version numbers, so every such check takes the modern branch.
"""
import re


def _numbers(text):
    """'2.16.0-rc1' -> (2, 16, 0): the leading integer of each dot-separated part."""
    parts = []
    for part in str(text).split("."):
        found = re.match(r"\d+", part)
        if found is None:
            break
        parts.append(int(found.group()))
    return tuple(parts)


class VersionString(str):
    """A version as a `str` (printing, `startswith`, `split` behave as usual) that orders by number."""

    def _compare(self, other, op):
        if not isinstance(other, str):
            return NotImplemented
        mine, theirs = _numbers(self), _numbers(other)
        width = max(len(mine), len(theirs))  # '2.16' is '2.16.0'
        return op(mine + (0,) * (width - len(mine)), theirs + (0,) * (width - len(theirs)))

    def __lt__(self, other):
        return self._compare(other, tuple.__lt__)

    def __le__(self, other):
        return self._compare(other, tuple.__le__)

    def __gt__(self, other):
        return self._compare(other, tuple.__gt__)

    def __ge__(self, other):
        return self._compare(other, tuple.__ge__)

    __hash__ = str.__hash__


TENSORFLOW_VERSION = VersionString("2.16.0")
TENSORFLOW_GIT_VERSION = "v2.16.0-0-tkeras"  # TensorFlow's format is v<version>-<commits>-g<hash>
KERAS_VERSION = VersionString("3.15.1")
