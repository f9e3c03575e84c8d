"""Public instance attribute names of built optimizers, schedules, metrics, losses, callbacks and models.

usage: python object_attributes_dump.py keras3|tfk2|tk-keras3|tk-tfk2 (the reference flavours first, in
their venvs; the tk- flavours in tkeras' venv build the classes the reference listed). Output in
$KERAS_SURFACE_OUT (default /tmp/keras_surface).
"""
import json, sys, os, inspect, tempfile, warnings, traceback
OUT = os.environ.get("KERAS_SURFACE_OUT", "/tmp/keras_surface")
os.makedirs(OUT, exist_ok=True)
warnings.filterwarnings("ignore")
flavor = sys.argv[1]
tmp = tempfile.mkdtemp()
import numpy as np
if flavor == "keras3":
    import keras as K
    NS = "keras"
elif flavor == "tfk2":
    import tf_keras as K
    import tensorflow as tf
    NS = "keras"
else:
    import tkeras as K
    NS = "keras"
ref_flavor = flavor.replace("tk-", "")

spaces = {"optimizers": K.optimizers, "schedules": K.optimizers.schedules, "metrics": K.metrics,
          "losses": K.losses, "callbacks": K.callbacks}
if flavor.startswith("tk-"):
    names = json.load(open(os.path.join(OUT, f"objects_{ref_flavor}.json")))["names"]
else:
    names = {}
    for sp, mod in spaces.items():
        names[sp] = sorted(n for n in dir(mod) if not n.startswith("_") and inspect.isclass(getattr(mod, n)))


def public(obj):
    out = []
    for a in dir(obj):
        if a.startswith("_"):
            continue
        out.append(a)
    return sorted(out)


def variable(v):
    if flavor == "tfk2":
        return tf.Variable(np.asarray(v, "float32"))
    return K.Variable(np.asarray(v, "float32"))


def small_model(kind="functional"):
    if kind == "sequential":
        m = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="d1"), K.layers.Dense(1, name="d2")])
    else:
        i = K.Input((3,), name="inp")
        o = K.layers.Dense(1, name="out")(K.layers.Dense(2, name="hid")(i))
        m = K.Model(i, o)
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return m


OPT_ARGS = {"LossScaleOptimizer": lambda: (K.optimizers.SGD(),), "Optimizer": lambda: (0.01,),
            "MultiOptimizer": None}
SCHED_ARGS = {
    "ExponentialDecay": (0.1, 10, 0.9), "InverseTimeDecay": (0.1, 10, 0.5), "PolynomialDecay": (0.1, 10),
    "PiecewiseConstantDecay": ([5], [0.1, 0.01]), "CosineDecay": (0.1, 10), "CosineDecayRestarts": (0.1, 10),
}
MET_KW = {"MeanIoU": dict(num_classes=3), "IoU": dict(num_classes=3, target_class_ids=[0]),
          "BinaryIoU": {}, "OneHotIoU": dict(num_classes=3, target_class_ids=[0]),
          "OneHotMeanIoU": dict(num_classes=3),
          "PrecisionAtRecall": dict(recall=0.5), "RecallAtPrecision": dict(precision=0.5),
          "SensitivityAtSpecificity": dict(specificity=0.5), "SpecificityAtSensitivity": dict(sensitivity=0.5),
          "MeanMetricWrapper": dict(fn=lambda a, b: (a - b) ** 2), "FBetaScore": {}, "F1Score": {},
          "Accuracy": {}, "R2Score": {}, "MeanRelativeError": dict(normalizer=[1.0, 1.0, 1.0])}
y3t = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]], "float32")
y3p = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]], "float32")
INPUTS = [(y3t, y3p), (np.array([1, 0, 2, 1]), y3p), (np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1])),
          (y3p,), (y3t[:, :1], y3p[:, :1])]
LOSS_KW = {"LossFunctionWrapper": dict(fn=lambda a, b: (a - b) ** 2), "Tversky": {}, "Dice": {}}
CB_ARGS = {"ModelCheckpoint": lambda: (os.path.join(tmp, "m.keras"),),
           "CSVLogger": lambda: (os.path.join(tmp, "log.csv"),),
           "BackupAndRestore": lambda: (os.path.join(tmp, "bk"),),
           "LearningRateScheduler": lambda: (lambda e, lr: lr,),
           "TensorBoard": lambda: (os.path.join(tmp, "tb"),),
           "OrbaxCheckpoint": lambda: (os.path.join(tmp, "orb"),),
           "CallbackList": lambda: ([],)}

out = {"names": names, "attrs": {}, "errors": {}}


def record(key, obj):
    out["attrs"][key] = public(obj)


for n in names["optimizers"]:
    try:
        cls = getattr(K.optimizers, n)
        if n in ("Optimizer",) or n.startswith("Legacy") or n == "TFOptimizer":
            pass
        args = OPT_ARGS.get(n, lambda: ())
        if args is None:
            continue
        opt = cls(*args())
        v = [variable([1.0, 2.0]), variable([[3.0], [4.0]])]
        g = [np.array([0.1, 0.2], "float32"), np.array([[0.3], [0.4]], "float32")]
        if n == "LossScaleOptimizer" and flavor == "keras3":
            opt.build(v)
        elif n != "Optimizer":
            if flavor == "tfk2":
                opt.apply_gradients(zip([tf.constant(x) for x in g], v))
            else:
                if flavor == "keras3":
                    opt.apply([K.ops.convert_to_tensor(x) for x in g], v)
                else:
                    import torch
                    opt.apply([torch.tensor(x) for x in g], v)
        record("optimizers." + n, opt)
    except Exception as e:
        out["errors"]["optimizers." + n] = repr(e)[:300]

for n in names["schedules"]:
    try:
        cls = getattr(K.optimizers.schedules, n)
        if n == "LearningRateSchedule":
            continue
        s = cls(*SCHED_ARGS.get(n, ()))
        s(3)
        record("schedules." + n, s)
    except Exception as e:
        out["errors"]["schedules." + n] = repr(e)[:300]

for n in names["metrics"]:
    try:
        cls = getattr(K.metrics, n)
        if n in ("Metric",):
            continue
        m = cls(**MET_KW.get(n, {}))
        err = None
        for inp in INPUTS:
            try:
                m.update_state(*inp)
                err = None
                break
            except Exception as e:
                err = e
        if err is not None:
            raise err
        record("metrics." + n, m)
    except Exception as e:
        out["errors"]["metrics." + n] = repr(e)[:300]

for n in names["losses"]:
    try:
        cls = getattr(K.losses, n)
        if n in ("Loss", "Reduction"):
            continue
        l = cls(**LOSS_KW.get(n, {}))
        err = None
        cands = INPUTS[:3]
        if n == "CTC":
            cands = [(np.array([[1, 2], [1, 1], [2, 1], [1, 2]]), np.random.RandomState(0).rand(4, 5, 3).astype("float32"))]
        for inp in cands:
            try:
                l(*inp)
                err = None
                break
            except Exception as e:
                err = e
        if err is not None:
            raise err
        record("losses." + n, l)
    except Exception as e:
        out["errors"]["losses." + n] = repr(e)[:300]

x = np.random.RandomState(0).rand(8, 3).astype("float32")
y = np.random.RandomState(1).rand(8, 1).astype("float32")
for n in names["callbacks"]:
    try:
        cls = getattr(K.callbacks, n)
        cb = cls(*CB_ARGS.get(n, lambda: ())())
        cb.set_model(small_model())
        record("callbacks." + n, cb)
    except Exception as e:
        out["errors"]["callbacks." + n] = repr(e)[:300]

for kind in ("functional", "sequential"):
    try:
        m = small_model(kind)
        m.fit(x, y, epochs=1, batch_size=8, verbose=0)
        record("models." + ("Model" if kind == "functional" else "Sequential"), m)
    except Exception:
        out["errors"]["models." + kind] = traceback.format_exc()[-600:]

json.dump(out, open(os.path.join(OUT, f"objects_{flavor}.json"), "w"), indent=0)
print(flavor, len(out["attrs"]), "errors:", json.dumps(out["errors"], indent=1))
