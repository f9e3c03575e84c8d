"""In any venv, after layer_attributes_dump.py ran for k3, tf and tk: per class, the names the reference
has and tkeras lacks (`missing`, the default) or values that differ (`diff`); also writes gaps.json."""
import json, sys, collections, os
OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
tk = json.load(open(os.path.join(OUT, "layers_tk.json")))
out = {}
def names(e):
    return e.get('built') or e.get('init') or {}
total = collections.Counter()
for ref in ('k3', 'tf'):
    R = json.load(open(os.path.join(OUT, f'layers_{ref}.json')))
    for cls, e in sorted(R.items()):
        rn = names(e)
        if not rn: continue
        if cls not in tk:
            print(ref, cls, 'NOT IN TK'); continue
        tn = names(tk[cls])
        miss = sorted(set(rn) - set(tn))
        diff = {}
        for n in set(rn) & set(tn):
            a, b = rn[n], tn[n]
            if isinstance(a, dict) and 'type' in a or isinstance(b, dict) and 'type' in b:
                continue
            if a != b: diff[n] = (a, b)
        out[ref + ':' + cls] = {'missing': miss, 'diff': diff}
        total[ref] += len(miss)
json.dump(out, open(os.path.join(OUT, 'layer_gaps.json'), 'w'), indent=1, sort_keys=True)
mode = sys.argv[1] if len(sys.argv) > 1 else 'missing'
for k, v in out.items():
    if mode == 'missing' and v['missing']:
        print(k, len(v['missing']), ' '.join(v['missing']))
    if mode == 'diff' and v['diff']:
        print(k, v['diff'])
print(dict(total))
