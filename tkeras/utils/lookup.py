"""Resolving a user's string (`'rmsprop'`, `'glorot_uniform'`) to an object, with a helpful error."""
import difflib


def lookup_error(kind, name, valid):
    """The ValueError for an unknown name: lists the valid names and suggests the closest."""
    valid = sorted(set(valid))
    close = difflib.get_close_matches(str(name).lower(), valid, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind}: {name!r}.{hint} Valid names: {', '.join(valid)}.")


def canonical(name):
    """Keras accepts 'BinaryCrossentropy', 'binary_crossentropy' and 'binarycrossentropy' alike."""
    return str(name).replace("_", "").lower()
