"""Public attribute names (and simple values) of every public layer, constructed with layer_specs.py's
arguments and built on its inputs: `k3` (Keras 3 venv), `tf` (tf-keras 2 venv) or `tk` (tkeras).

usage: python layer_attributes_dump.py k3|tf|tk   -> $KERAS_SURFACE_OUT/layers_<flavour>.json
"""
import sys, json, os, warnings
warnings.filterwarnings('ignore')
which = sys.argv[1]
OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
os.makedirs(OUT, exist_ok=True)
out = os.path.join(OUT, f"layers_{which}.json")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if which == 'k3':
    import keras as K
elif which == 'tf':
    import tf_keras as K
else:
    import tkeras as K
import numpy as np
from layer_specs import S


def jsonable(v, depth=0):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (np.integer,)):
        return {'np': int(v)}
    if isinstance(v, (np.floating,)):
        return {'np': float(v)}
    if isinstance(v, (tuple, list)) and depth < 2:
        items = [jsonable(i, depth + 1) for i in v]
        if all(not (isinstance(i, dict) and 'type' in i) for i in items):
            return {'tuple' if isinstance(v, tuple) else 'list': items}
    t = type(v)
    return {'type': t.__module__.split('.')[0] + ':' + t.__name__}


def snap(layer):
    res = {}
    for n in dir(layer):
        if n.startswith('_'):
            continue
        try:
            v = getattr(layer, n)
        except Exception as e:
            res[n] = {'error': type(e).__name__}
            continue
        if callable(v) and not isinstance(v, (type,)) and type(v).__name__ in ('method', 'function', 'builtin_function_or_method'):
            continue
        res[n] = jsonable(v)
    return res


result = {}
for name, (build, inp) in S.items():
    if not hasattr(K.layers, name):
        continue
    entry = {}
    try:
        layer = build(K)
    except Exception as e:
        entry['construct_error'] = repr(e)[:200]
        result[name] = entry
        continue
    entry['init'] = snap(layer)
    if inp is not None:
        try:
            a = inp()
            layer(*a['args']) if isinstance(a, dict) else layer(a)
            entry['built'] = snap(layer)
        except Exception as e:
            entry['call_error'] = repr(e)[:200]
    result[name] = entry
json.dump(result, open(out, 'w'), indent=0, sort_keys=True)
print(which, len(result), 'classes;', sum('construct_error' in v for v in result.values()), 'construct errors;',
      sum('call_error' in v for v in result.values()), 'call errors')
for n, v in result.items():
    for k in ('construct_error', 'call_error'):
        if k in v:
            print(' ', n, k, v[k])
