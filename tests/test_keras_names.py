"""Conformance with real Keras' public names: which of them tkeras has, and whether their signatures agree.

The reference lists were written once by real Keras 3.15.1 and tf-keras 2.21
(`tests/fixtures/make_keras_names.py`, data in `tests/fixtures/keras_names/`). Coverage is a ratchet:
`tkeras_baseline.json` lists every Keras name tkeras had when it was last raised, and a name on it that
disappears fails the test, so coverage only goes up. Signatures of the names tkeras has must match
Keras' (parameter names in order, defaults), except the reasoned entries of `known_differences.json`
and the baseline's `signature_debt`: the differences found when this check was introduced, to be
paid off (an entry leaves the debt when `--update` finds it fixed; new entries are never added).

    python tests/test_keras_names.py --report [NAMESPACE ...]   # counts and missing names
    python tests/test_keras_names.py --update                   # raise the baseline to today's names
"""
import importlib
import inspect
import json
import os
import sys

import pytest

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras_names")
FLAVORS = ("keras3", "tf_keras2")
BASELINE = os.path.join(DATA_DIR, "tkeras_baseline.json")
KNOWN = os.path.join(DATA_DIR, "known_differences.json")
_MISSING = object()


def load(name):
    with open(os.path.join(DATA_DIR, name) if not os.path.isabs(name) else name) as handle:
        return json.load(handle)


def reference(flavor):
    return load(f"{flavor}.json")["namespaces"]


def tkeras_namespace(path):
    """`keras.ops.numpy` -> the tkeras module a user reaches by that path, or None."""
    module = importlib.import_module("tkeras")
    for part in path.split(".")[1:]:
        value = _attribute(module, part)
        if value is _MISSING:
            try:
                value = importlib.import_module(f"{module.__name__}.{part}")
            except ImportError:
                return None
        module = value
    return module


def _attribute(owner, name):
    try:
        return getattr(owner, name)
    except Exception:  # noqa: BLE001 - a lazy attribute that fails to load counts as missing
        return _MISSING


def coverage(flavor):
    """{namespace: (names tkeras has, names it lacks)} for one reference list."""
    result = {}
    for path, entries in reference(flavor).items():
        module = tkeras_namespace(path)
        have, lack = [], []
        for name in entries:
            (have if module is not None and _attribute(module, name) is not _MISSING else lack).append(name)
        result[path] = (have, lack)
    return result


def _parameters(value):
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.kind.name.lower(), None if p.default is inspect.Parameter.empty else repr(p.default))
            for p in signature.parameters.values()]


def signature_difference(expected, value):
    """Why tkeras' parameters differ from Keras' (None when they agree).

    Keras' parameters must come first, in Keras' order, with Keras' defaults; tkeras may add
    parameters after them (TensorFlow's spellings such as `name=`), which Keras code never passes.
    """
    actual = _parameters(value)
    if expected is None or actual is None:
        return None
    expected = [(name, kind, default) for name, kind, default in expected]
    for position, (name, kind, default) in enumerate(expected):
        if position >= len(actual):
            return f"lacks parameter {name!r} (position {position})"
        got_name, got_kind, got_default = actual[position]
        if got_name != name:
            return f"parameter {position} is {got_name!r}, Keras has {name!r}"
        if (kind in ("var_positional", "var_keyword")) != (got_kind in ("var_positional", "var_keyword")):
            return f"parameter {name!r} is {got_kind}, Keras' is {kind}"
        if default != got_default:
            return (f"parameter {name!r} {_default_text(got_default)}, Keras' "
                    f"{_default_text(default).replace('defaults to', 'to').replace('has no default', 'has none')}")
    return None


def _default_text(default):
    return "has no default" if default is None else f"defaults to {default}"


def signature_differences(flavor):
    """{"namespace.name": reason} for every name tkeras has whose signature differs from Keras'."""
    differences = {}
    for path, entries in reference(flavor).items():
        module = tkeras_namespace(path)
        if module is None:
            continue
        for name, entry in entries.items():
            if entry["kind"] not in ("function", "class"):
                continue
            value = _attribute(module, name)
            if value is _MISSING:
                continue
            reason = signature_difference(entry.get("params"), value)
            if reason:
                differences[f"{path}.{name}"] = reason
    return differences


# -- tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def coverages():
    return {flavor: coverage(flavor) for flavor in FLAVORS}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_reference_lists_are_complete(flavor):
    """The committed lists hold what the issue counted (so an accidental truncation is caught)."""
    namespaces = reference(flavor)
    minimum = {"keras3": {"keras.ops": 337, "keras.layers": 170, "keras.random": 11, "keras.backend": 14},
               "tf_keras2": {"keras.backend": 147, "keras.layers": 140}}[flavor]
    for path, count in minimum.items():
        assert len(namespaces[path]) >= count, (path, len(namespaces[path]))


@pytest.mark.parametrize("flavor", FLAVORS)
def test_coverage_never_drops(flavor, coverages):
    baseline = load(BASELINE)["names"][flavor]
    lost = {}
    for path, names in baseline.items():
        have = set(coverages[flavor].get(path, ((), ()))[0])
        gone = sorted(set(names) - have)
        if gone:
            lost[path] = gone
    counts = {path: f"{len(have)}/{len(have) + len(lack)}" for path, (have, lack) in coverages[flavor].items()}
    print(f"\n{flavor} coverage: {counts}")
    assert not lost, f"names tkeras had (tkeras_baseline.json) are missing now: {lost}"


@pytest.mark.parametrize("flavor", FLAVORS)
def test_signatures_match_keras(flavor):
    known = load(KNOWN)["signatures"]
    debt = load(BASELINE)["signature_debt"][flavor]
    differences = signature_differences(flavor)
    unexplained = {name: reason for name, reason in differences.items()
                   if f"{flavor}:{name}" not in known and name not in debt}
    paid = sorted(set(debt) - set(differences))
    if paid:
        print(f"\n{flavor}: signature debt paid off (run --update to drop it): {paid}")
    assert not unexplained, (
        f"{len(unexplained)} signatures differ from {flavor}'s (fix them, or add a reasoned entry to "
        f"known_differences.json): " + "; ".join(f"{k}: {v}" for k, v in sorted(unexplained.items())))


def test_known_differences_are_still_real():
    """An entry that no longer differs must leave the list, so the list stays a true record."""
    known = load(KNOWN)["signatures"]
    current = {f"{flavor}:{name}" for flavor in FLAVORS for name in signature_differences(flavor)}
    stale = sorted(set(known) - current)
    assert not stale, f"known_differences.json lists signatures that now match Keras: {stale}"


def test_signature_difference_explains_itself():
    def matches(x, axis=None, keepdims=False, name=None):
        pass

    def renamed(x, dim=None):
        pass

    def other_default(x, axis=-1):
        pass

    expected = [["x", "positional_or_keyword", None], ["axis", "positional_or_keyword", "None"]]
    assert signature_difference(expected, matches) is None
    assert signature_difference(expected, renamed) == "parameter 1 is 'dim', Keras has 'axis'"
    assert signature_difference(expected, other_default) == "parameter 'axis' defaults to -1, Keras' to None"
    assert signature_difference(expected, lambda x: x) == "lacks parameter 'axis' (position 1)"
    assert signature_difference([["x", "positional_or_keyword", None]], lambda x=None: x) == (
        "parameter 'x' defaults to None, Keras' has none")


# -- command line ---------------------------------------------------------------------------------

def report(selected=()):
    total_have = total = 0
    for flavor in FLAVORS:
        print(f"\n{flavor}")
        print(f"  {'namespace':<40} {'tkeras':>7} {'keras':>6} {'%':>5}")
        for path, (have, lack) in coverage(flavor).items():
            n = len(have) + len(lack)
            total_have, total = total_have + len(have), total + n
            print(f"  {path:<40} {len(have):>7} {n:>6} {100 * len(have) / max(n, 1):>5.0f}")
            if lack and (not selected or path in selected):
                print("      missing: " + ", ".join(lack))
    print(f"\nall: {total_have} of {total} ({100 * total_have / total:.1f}%)")
    omitted = load(KNOWN)["omitted"]
    print("\ndeliberately omitted:\n" + "\n".join(f"  {k}: {v}" for k, v in omitted.items()))


def update():
    first = not os.path.exists(BASELINE)
    baseline = {"names": {}, "signature_debt": {}} if first else load(BASELINE)
    known = load(KNOWN)["signatures"]
    for flavor in FLAVORS:
        today = {path: have for path, (have, _) in coverage(flavor).items() if have}
        old = baseline["names"].get(flavor, {})
        lost = {path: sorted(set(names) - set(today.get(path, ()))) for path, names in old.items()}
        lost = {path: names for path, names in lost.items() if names}
        if lost:
            sys.exit(f"not updating: {flavor} names would leave the baseline: {lost}")
        baseline["names"][flavor] = today
        differences = {name: reason for name, reason in signature_differences(flavor).items()
                       if f"{flavor}:{name}" not in known}
        old_debt = baseline["signature_debt"].get(flavor, {})
        new = sorted(set(differences) - set(old_debt))
        if new and not first:
            sys.exit(f"not updating: new {flavor} signature differences (fix them or give a reason in "
                     f"known_differences.json): {new}")
        baseline["signature_debt"][flavor] = differences
    with open(BASELINE, "w") as handle:
        json.dump(baseline, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote {BASELINE}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if len(sys.argv) > 1 and sys.argv[1] == "--update":
        update()
    elif len(sys.argv) > 1 and sys.argv[1] == "--report":
        report(sys.argv[2:])
    else:
        sys.exit(__doc__)
