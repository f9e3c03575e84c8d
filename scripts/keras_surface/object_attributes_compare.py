"""Names the reference objects have and tkeras' lack (after object_attributes_dump.py ran for all four
flavours)."""
import json, os
OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
tot = 0
for fl in ("keras3", "tfk2"):
    ref = json.load(open(os.path.join(OUT, f"objects_{fl}.json")))["attrs"]
    tk = json.load(open(os.path.join(OUT, f"objects_tk-{fl}.json")))["attrs"]
    print("=====", fl)
    for key in sorted(ref):
        if key not in tk:
            print(key, "NOT BUILT IN TKERAS"); continue
        miss = sorted(set(ref[key]) - set(tk[key]))
        if miss:
            tot += len(miss)
            print(f"{key} ({len(miss)}): {' '.join(miss)}")
print("TOTAL", tot)
