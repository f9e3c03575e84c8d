"""Resolving a user's string (`'rmsprop'`, `'glorot_uniform'`) to an object, with a helpful error."""
import difflib


def lookup_error(kind, name, valid):
    """The ValueError for an unknown name: lists the valid names and suggests the closest."""
    valid = sorted(set(valid))
    folded = {v.lower(): v for v in valid}  # compare case-blind, suggest the name as it is spelled
    close = difflib.get_close_matches(str(name).lower(), list(folded), n=1, cutoff=0.5)
    hint = f" Did you mean {folded[close[0]]!r}?" if close else ""
    return ValueError(f"Unknown {kind}: {name!r}.{hint} Valid names: {', '.join(valid)}.")


def canonical(name):
    """Keras accepts 'BinaryCrossentropy', 'binary_crossentropy' and 'binarycrossentropy' alike."""
    return str(name).replace("_", "").lower()
