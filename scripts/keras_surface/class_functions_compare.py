"""In tkeras' venv: for each method name, the classes of keras3|tfk2 (argv[1]) that have it where tkeras'
class does not (after class_functions_dump.py)."""
import collections
import inspect
import json
import os
import sys

import tkeras

OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
flavor = sys.argv[1]
ref = json.load(open(os.path.join(OUT, f"methods_{flavor}.json")))
gaps = {}
for qual, attrs in ref.items():
    space, name = qual.rsplit(".", 1)
    tspace = "tkeras" + space[len("keras"):]
    try:
        mod = tkeras
        for part in tspace.split(".")[1:]:  # attribute by attribute: `tkeras.random` is a lazy name, no module
            mod = getattr(mod, part)
        obj = getattr(mod, name)
    except AttributeError:
        gaps[qual] = ["<missing class>"]
        continue
    if not inspect.isclass(obj):
        continue
    have = set(dir(obj))
    miss = [a for a in attrs if a not in have]
    if miss: gaps[qual] = miss
# summarise: attribute -> classes
by_attr = collections.defaultdict(list)
for q, m in gaps.items():
    for a in m: by_attr[a].append(q)
for a, qs in sorted(by_attr.items(), key=lambda kv: -len(kv[1])):
    print(f"{len(qs):4d} {a:40s} {', '.join(q.split('.')[-1] for q in qs[:6])}")
