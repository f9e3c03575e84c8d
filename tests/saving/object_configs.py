"""Deserialize the configs real Keras wrote (tests/fixtures/object_configs_*.json) through every route.

`check_object(entry)` and `check_function(entry)` return the list of problems (empty when the config
comes back as the same class, through every route, with `get_config()` equal to Keras'). The test
module and `python -m tests.saving.object_configs` (a count per namespace) both use them.
"""
import json
import math
import os

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def load(flavour="keras3"):
    with open(os.path.join(FIXTURES, f"object_configs_{flavour}.json")) as handle:
        return json.load(handle)


def known_gaps():
    with open(os.path.join(FIXTURES, "object_configs_known_gaps.json")) as handle:
        return json.load(handle)


def namespace(path):
    import tkeras
    module = tkeras
    for part in path.split("."):
        module = getattr(module, part)
    return module


def comparable(config):
    """A config in the one spelling the normaliser gives, so two spellings of a value compare equal."""
    from tkeras.saving.config_compat import normalize
    return _plain(normalize(config))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def differences(ours, theirs, where="config", kept=()):
    """Where two configs differ; floats compared to 1e-6 relative (float32 values written as float64).
    `kept`: top-level keys tkeras writes on purpose where Keras 3.15 drops the argument."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in theirs:
            if key not in ours:
                found.append(f"{where}: missing key {key!r} (Keras: {theirs[key]!r})")
        for key in ours:
            if key not in theirs and key not in kept:
                found.append(f"{where}: extra key {key!r} = {ours[key]!r}")
        for key in theirs:
            if key in ours:
                found.extend(differences(ours[key], theirs[key], f"{where}.{key}"))
        return found
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{where}: {ours!r} != Keras' {theirs!r}"]
        found = []
        for index, (a, b) in enumerate(zip(ours, theirs)):
            found.extend(differences(a, b, f"{where}[{index}]"))
        return found
    if isinstance(ours, float) and isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        if math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-12):
            return []
    if type(ours) is not type(theirs) and not (
            isinstance(ours, (int, float)) and isinstance(theirs, (int, float))
            and not isinstance(ours, bool) and not isinstance(theirs, bool)):
        return [f"{where}: {ours!r} ({type(ours).__name__}) != Keras' {theirs!r} ({type(theirs).__name__})"]
    if ours != theirs:
        return [f"{where}: {ours!r} != Keras' {theirs!r}"]
    return []


def _route(problems, label, make, class_name, config, kept=()):
    try:
        obj = make()
    except Exception as exc:  # noqa: BLE001 (the checker reports every failure as a problem)
        problems.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
        return None
    if type(obj).__name__ != class_name:
        problems.append(f"{label}: returned a {type(obj).__name__}, expected a {class_name}")
        return obj
    try:
        ours = obj.get_config()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"{label}: get_config() failed: {type(exc).__name__}: {exc}")
        return obj
    found = differences(comparable(ours), comparable(config), kept=kept)
    problems.extend(f"{label}: {difference}" for difference in found[:5])
    order = [key for key in ours if key not in kept]
    if not found and order != list(config):
        problems.append(f"{label}: keys in the order {order}, Keras writes {list(config)}")
    return obj


def check_object(entry, kept=None):
    """Problems with one object config: namespace `deserialize`, `Class.from_config` and
    `saving.deserialize_keras_object` must each return the class, with Keras' config."""
    from tkeras import saving
    if kept is None:
        kept = known_gaps()["kept_keys"].get(f"{entry['namespace']}.{entry['class_name']}", ())
    problems = []
    class_name = entry["class_name"]
    try:
        ns = namespace(entry["namespace"])
    except AttributeError:
        return [f"no namespace {entry['namespace']}"]
    cls = getattr(ns, class_name, None)
    if not isinstance(cls, type):
        return [f"{entry['namespace']}.{class_name} does not exist"]
    config = entry["config"]
    deserialize = getattr(ns, "deserialize", None)
    if deserialize is None:
        problems.append(f"{entry['namespace']}.deserialize does not exist")
    else:
        _route(problems, "deserialize", lambda: deserialize(entry["serialized"]), class_name, config, kept)
    _route(problems, "from_config", lambda: cls.from_config(json.loads(json.dumps(config))), class_name, config,
           kept)
    serialized = entry.get("saving_serialized") or entry["serialized"]
    _route(problems, "deserialize_keras_object", lambda: saving.deserialize_keras_object(serialized),
           class_name, config, kept)
    return problems


def check_function(entry):
    """Problems with one function config: `deserialize`, `get` and `deserialize_keras_object` return
    the function of that name, and `serialize` writes what Keras wrote."""
    from tkeras import saving
    problems = []
    try:
        ns = namespace(entry["namespace"])
    except AttributeError:
        return [f"no namespace {entry['namespace']}"]
    name = entry["name"]
    function = getattr(ns, name, None)
    if function is None:
        return [f"{entry['namespace']}.{name} does not exist"]
    routes = [("deserialize", lambda: ns.deserialize(entry["serialized"]))]
    if entry.get("saving_serialized") is not None:
        routes.append(("deserialize_keras_object",
                       lambda: saving.deserialize_keras_object(entry["saving_serialized"])))
    expected_get = entry.get("get", {"kind": "function"})
    try:
        got = ns.get(name)
        if expected_get["kind"] == "instance" and type(got).__name__ != expected_get["class_name"]:
            problems.append(f"get: returned {got!r}, Keras returns a {expected_get['class_name']}")
        elif expected_get["kind"] == "function" and getattr(got, "__name__", None) != function.__name__:
            problems.append(f"get: returned {got!r}, Keras returns the function {name}")
    except Exception as exc:  # noqa: BLE001
        if expected_get["kind"] != "error":
            problems.append(f"get: {type(exc).__name__}: {str(exc)[:300]}")
    for label, make in routes:
        try:
            got = make()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        if got is not function and getattr(got, "__name__", None) != getattr(function, "__name__", name):
            problems.append(f"{label}: returned {got!r}, expected {entry['namespace']}.{name}")
    try:
        written = ns.serialize(function)
        if written != entry["serialized"]:
            problems.append(f"serialize: {written!r} != Keras' {entry['serialized']!r}")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"serialize: {type(exc).__name__}: {exc}")
    return problems


def tally(flavour="keras3"):
    data = load(flavour)
    counts = {}
    failing = {}
    for entry in data["objects"]:
        ok = not check_object(entry)
        key = entry["namespace"]
        passed, total = counts.get(key, (0, 0))
        counts[key] = (passed + ok, total + 1)
        if not ok:
            failing[f"{key}:{entry['key']}"] = check_object(entry)
    for entry in data["functions"]:
        ok = not check_function(entry)
        key = entry["namespace"] + " (functions)"
        passed, total = counts.get(key, (0, 0))
        counts[key] = (passed + ok, total + 1)
        if not ok:
            failing[f"{key}:{entry['name']}"] = check_function(entry)
    return counts, failing


def check_object_other_release(entry):
    """Problems with one config of another release (tf-keras 2.21, Keras 3.0): the namespace
    `deserialize`, `Class.from_config` and `deserialize_keras_object` (of tf-keras' Keras 2 form,
    `class_name`/`config` as `.h5` files and `to_json()` hold it; of Keras 3.0's own dict) must give
    the class, keeping every value that release wrote for a key tkeras writes too (tkeras writes Keras
    3.15's keys, so keys only that release wrote are read, not compared)."""
    from tkeras import saving
    problems = []
    class_name = entry["class_name"]
    try:
        ns = namespace(entry["namespace"])
    except AttributeError:
        return [f"no namespace {entry['namespace']}"]
    cls = getattr(ns, class_name, None)
    if not isinstance(cls, type):
        return [f"{entry['namespace']}.{class_name} does not exist"]
    theirs = comparable(entry["config"])
    routes = [("deserialize", lambda: ns.deserialize(entry["serialized"])),
              ("from_config", lambda: cls.from_config(json.loads(json.dumps(entry["config"])))),
              ("deserialize_keras_object", lambda: saving.deserialize_keras_object(
                  entry.get("legacy_serialized") or entry["saving_serialized"]))]
    for label, make in routes:
        try:
            obj = make()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        if type(obj) is not cls:  # by identity: Keras 3.0's OrthogonalInitializer is today's Orthogonal
            problems.append(f"{label}: returned a {type(obj).__name__}, expected a {class_name}")
            continue
        ours = comparable(obj.get_config())
        common_ours, common_theirs = _common(_without_locations(ours), _keras3_values(theirs))
        problems.extend(f"{label}: {d}" for d in differences(common_ours, common_theirs)[:5])
    return problems


def _common(ours, theirs):
    """The keys both configs have, at every nesting level."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        keys = [k for k in theirs if k in ours]
        pairs = {k: _common(ours[k], theirs[k]) for k in keys}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        pairs = [_common(a, b) for a, b in zip(ours, theirs)]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return ours, theirs


# Keras 3.0-3.x spelled some names differently from 3.15: the same object, another spelling.
_RENAMED = {"OrthogonalInitializer": "Orthogonal", "IdentityInitializer": "Identity"}


def _keras3_values(config, key=None):
    """Another release's values in Keras 3.15's spelling: tf-keras' loss reduction "auto" is
    "sum_over_batch_size"; Keras 3.0 wrote a metric's default dtype as null (floatx), nested objects
    with their source module ("keras.src.initializers.random_initializers") and registered_name,
    and Orthogonal as "OrthogonalInitializer". Where an object lives is not what is compared."""
    if isinstance(config, dict):
        out = {}
        for k, v in config.items():
            if k in ("module", "registered_name") and "class_name" in config:
                continue
            if k == "reduction" and v == "auto":
                v = "sum_over_batch_size"
            elif k == "dtype" and v is None:
                v = "float32"
            elif k == "class_name" and v in _RENAMED:
                v = _RENAMED[v]
            out[k] = _keras3_values(v, k)
        return out
    if isinstance(config, list):
        return [_keras3_values(v) for v in config]
    return config


def _without_locations(config):
    if isinstance(config, dict):
        return {k: _without_locations(v) for k, v in config.items()
                if not (k in ("module", "registered_name") and "class_name" in config)}
    if isinstance(config, list):
        return [_without_locations(v) for v in config]
    return config


check_object_tf_keras = check_object_other_release


def tally_other_release(flavour):
    data = load(flavour)
    counts, failing = {}, {}
    for entry in data["objects"]:
        problems = check_object_other_release(entry)
        passed, total = counts.get(entry["namespace"], (0, 0))
        counts[entry["namespace"]] = (passed + (not problems), total + 1)
        if problems:
            failing[f"{entry['namespace']}:{entry['key']}"] = problems
    return counts, failing


if __name__ == "__main__":
    import sys
    import warnings
    warnings.simplefilter("ignore")
    flavours = [a for a in sys.argv[1:] if not a.startswith("-")]
    flavour = flavours[0] if flavours else "keras3"
    counts, failing = tally(flavour) if flavour == "keras3" else tally_other_release(flavour)
    if "-v" in sys.argv:
        for key, problems in failing.items():
            print(key)
            for problem in problems[:4]:
                print("   ", problem)
    for key, (passed, total) in counts.items():
        print(f"{key:28s} {passed:4d} / {total}")
    print(f"{'all':28s} {sum(p for p, _ in counts.values()):4d} / {sum(t for _, t in counts.values())}")
