#!/usr/bin/python3
"""Writes the small checkpoint fixtures used by the tests of org.dckd.checkpoint.

Run from the repository root:  /usr/bin/python3 tools/reference/make_checkpoint_fixtures.py

Output: dckd-nn/src/test/resources/checkpoint/ (a few KB in total).

* dtypes_zip.pth / dtypes_legacy.pth: torch.save of tensors of every supported dtype, a transposed (non-contiguous)
  view, an expanded (stride 0) view, slices sharing one storage at an offset, a 0-d scalar, an empty tensor and an
  nn.Parameter; in the zip format and in the legacy (non-zip) format. dtypes_bigendian.pth: the zip file rewritten
  with byteorder "big". dtypes_expected.json: dtype, shape and C-order values of every tensor.
* numpy_compressed.npz: numpy.savez_compressed with a big-endian int32 and a Fortran-order float64 array.
* real_checkpoint_digests.json: per-tensor sums and first values of four shared checkpoints, from PyTorch.
* wrapped_ema.pth, lightning_like.ckpt, dataparallel.pth, nested_model.pth: wrapper layouts.
* evil_*.pkl / evil_*.pth: MALICIOUS pickles (os.system, builtins.eval, posix.system via INST and REDUCE,
  subprocess.Popen via OBJ, getattr/__import__, an extension code, a global hidden inside a valid state dict, a legacy
  file with a clean header and a malicious main pickle). They are assembled byte by byte here and are NEVER loaded:
  each payload would create /tmp/dckd_pickle_marker_<variant>, and the tests assert that file does not appear.
"""
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "dckd-nn", "src", "test", "resources", "checkpoint")
OUT = os.path.normpath(OUT)
MARKER = "/tmp/dckd_pickle_marker_"


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def dtype_tensors():
    torch.manual_seed(0)
    d = collections.OrderedDict()
    d["f32"] = torch.tensor([[-1.0, -0.5, 0.0], [0.5, -0.0, 3.25]], dtype=torch.float32)
    d["f64"] = torch.tensor([1.0 / 3.0, -2.5, 1e-300], dtype=torch.float64)
    d["f16"] = torch.tensor([0.1, -65504.0, 6e-8, 1.0], dtype=torch.float16)
    d["bf16"] = torch.tensor([1.5, -3.0e38, 0.01], dtype=torch.bfloat16)
    d["i64"] = torch.tensor([[0, -1], [2 ** 40, 7]], dtype=torch.int64)
    d["i32"] = torch.tensor([-(2 ** 31), 5, 2 ** 31 - 1], dtype=torch.int32)
    d["i16"] = torch.tensor([-300, 300], dtype=torch.int16)
    d["i8"] = torch.tensor([-128, 127, 0], dtype=torch.int8)
    d["u8"] = torch.tensor([0, 255, 7], dtype=torch.uint8)
    d["bool"] = torch.tensor([True, False, True])
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    d["transposed"] = base.t()  # (4, 3), strides (1, 4)
    d["expanded"] = torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)  # strides (0, 1)
    big = torch.arange(10, dtype=torch.float32) * 10
    d["shared_whole"] = big
    d["shared_slice"] = big[3:7]  # offset 3 into the same storage
    d["shared_strided"] = big[1::3]  # offset 1, stride 3
    d["scalar"] = torch.tensor(2.25)
    d["empty"] = torch.zeros(0, 4)
    d["param"] = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    return d


def expected_json(d):
    out = collections.OrderedDict()
    for k, t in d.items():
        t = t.detach()
        c = t.contiguous().reshape(-1)
        if t.dtype == torch.bool:
            values = [1 if v else 0 for v in c.tolist()]
        elif t.dtype.is_floating_point:
            values = [float(v) for v in c.to(torch.float64).tolist()]
        else:
            values = [int(v) for v in c.tolist()]
        out[k] = {"dtype": dtype_name(t), "shape": list(t.shape), "stride": list(t.stride()),
                  "storage_offset": t.storage_offset(), "values": values}
    return out


# ---------------------------------------------------------------- big-endian rewrite of a zip checkpoint

class _StorageSpy(pickle.Unpickler):
    """Reads data.pkl only to learn each storage key's element size (no torch objects are built)."""

    def __init__(self, f):
        super().__init__(f)
        self.sizes = {}

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils":
            return lambda *args: None
        if module == "torch" and name.endswith("Storage"):
            return name
        raise pickle.UnpicklingError(module + "." + name)

    def persistent_load(self, pid):
        sizes = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
                 "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1}
        self.sizes[pid[2]] = sizes[pid[1]]
        return None


def rewrite_big_endian(src, dst):
    zin = zipfile.ZipFile(src)
    names = zin.namelist()
    pkl = [n for n in names if n.endswith("data.pkl")][0]
    prefix = pkl[: -len("data.pkl")]
    spy = _StorageSpy(io.BytesIO(zin.read(pkl)))
    spy.load()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for n in names:
            data = zin.read(n)
            if n.startswith(prefix + "data/"):
                size = spy.sizes[n[len(prefix + "data/"):]]
                data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
            zout.writestr(fixed_date(n), data)
        zout.writestr(fixed_date(prefix + "byteorder"), b"big")


# ---------------------------------------------------------------- malicious pickles, assembled by hand

def short_unicode(s):
    b = s.encode("utf-8")
    return b"\x8c" + bytes([len(b)]) + b


def binunicode(s):
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def evil_pickles():
    p = {}
    m = MARKER
    # protocol 4: STACK_GLOBAL os.system + REDUCE
    p["os_system"] = (b"\x80\x04" + short_unicode("os") + short_unicode("system") + b"\x93"
                      + short_unicode("touch " + m + "os_system") + b"\x85R.")
    # protocol 2: GLOBAL builtins.eval + REDUCE
    p["builtins_eval"] = (b"\x80\x02cbuiltins\neval\n"
                          + binunicode("__import__('os').system('touch " + m + "builtins_eval')") + b"\x85R.")
    # protocol 0: INST posix.system (instantiates with the marked arguments)
    p["posix_system_inst"] = ("(S'touch " + m + "posix_system_inst'\niposix\nsystem\n.").encode("ascii")
    # protocol 0: GLOBAL posix.system + REDUCE
    p["posix_system_reduce"] = ("cposix\nsystem\n(S'touch " + m + "posix_system_reduce'\ntR.").encode("ascii")
    # protocol 2: OBJ subprocess.Popen(['touch', marker])
    p["subprocess_popen_obj"] = (b"\x80\x02(csubprocess\nPopen\n](" + binunicode("touch")
                                 + binunicode(m + "subprocess_popen_obj") + b"eo.")
    # protocol 2: getattr(__import__('os'), 'system')(cmd)
    p["getattr_import"] = (b"\x80\x02c__builtin__\ngetattr\n(c__builtin__\n__import__\n(" + binunicode("os")
                           + b"tR" + binunicode("system") + b"tR(" + binunicode("touch " + m + "getattr_import")
                           + b"tR.")
    # protocol 2: extension code 1 (copyreg registry) called with the command
    p["ext1"] = b"\x80\x02\x82\x01(" + binunicode("touch " + m + "ext1") + b"tR."
    # a valid-looking state dict whose second value calls os.system
    ok = io.BytesIO()
    pickle.Pickler(ok, protocol=2).dump(collections.OrderedDict([("conv.bias", 1)]))
    head = ok.getvalue()
    assert head.endswith(b"u.") or head.endswith(b"s."), head
    p["in_state_dict"] = (head[:-1] + binunicode("conv.weight") + b"cos\nsystem\n"
                          + binunicode("touch " + m + "in_state_dict") + b"\x85Rs.")
    return p


def fixed_date(name):
    """A zip entry with a constant timestamp, so that re-running the script reproduces the same bytes."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def write_zip(path, pickle_bytes, folder="archive"):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(fixed_date(folder + "/data.pkl"), pickle_bytes)
        z.writestr(fixed_date(folder + "/version"), b"3\n")


def legacy_header():
    out = io.BytesIO()
    for obj in (0x1950A86A20F9469CFC6C, 1001,
                {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}):
        pickle.dump(obj, out, protocol=2)
    return out.getvalue()


def real_checkpoint_digests():
    """Per-tensor float64 sum and first 4 values of the legacy-format shared checkpoints (a few KB of numbers)."""
    shared = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
    out = collections.OrderedDict()
    for rel in ("weights/imdn_official/IMDN_x2.pth", "weights/imdn_official/IMDN_x4.pth",
                "weights/ntire2022_esr/imdn_baseline.pth", "weights/ntire2022_esr/team04_rlfn.pth"):
        sd = torch.load(os.path.join(shared, rel), map_location="cpu")
        out[rel] = collections.OrderedDict(
            (k, {"sum": float(v.double().sum()), "first4": [float(x) for x in v.reshape(-1)[:4].double()]})
            for k, v in sd.items())
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "real_checkpoint_digests.json"), "w") as f:
        json.dump(real_checkpoint_digests(), f)
    d = dtype_tensors()
    torch.save(d, os.path.join(OUT, "dtypes_zip.pth"))
    torch.save(d, os.path.join(OUT, "dtypes_legacy.pth"), _use_new_zipfile_serialization=False)
    rewrite_big_endian(os.path.join(OUT, "dtypes_zip.pth"), os.path.join(OUT, "dtypes_bigendian.pth"))
    # PyTorch 1.13 ignores the byteorder record (it was added in 2.1), so check the rewrite by swapping back
    little, big = zipfile.ZipFile(os.path.join(OUT, "dtypes_zip.pth")), zipfile.ZipFile(
        os.path.join(OUT, "dtypes_bigendian.pth"))
    assert big.read("dtypes_zip/byteorder") == b"big"
    spy = _StorageSpy(io.BytesIO(little.read("dtypes_zip/data.pkl")))
    spy.load()
    for key, size in spy.sizes.items():
        a, b = little.read("dtypes_zip/data/" + key), big.read("dtypes_zip/data/" + key)
        assert a == b"".join(b[i:i + size][::-1] for i in range(0, len(b), size)), key
    with open(os.path.join(OUT, "dtypes_expected.json"), "w") as f:
        json.dump(expected_json(d), f, indent=1)

    torch.manual_seed(1)
    sd = collections.OrderedDict(
        [("conv.weight", torch.ones(2, 1, 3, 3)), ("conv.bias", torch.zeros(2))])
    ema = collections.OrderedDict((k, v + 2) for k, v in sd.items())
    torch.save({"params": sd, "params_ema": ema, "iter": 5000}, os.path.join(OUT, "wrapped_ema.pth"))
    torch.save(collections.OrderedDict(("module." + k, v) for k, v in sd.items()),
               os.path.join(OUT, "dataparallel.pth"))
    torch.save({"model": {"encoder": sd, "decoder": ema}}, os.path.join(OUT, "nested_model.pth"))
    lightning = {
        "epoch": 3,
        "global_step": 1200,
        "pytorch-lightning_version": "2.1.0",
        "state_dict": collections.OrderedDict(("model." + k, v) for k, v in sd.items()),
        "loops": {"fit_loop": {"epoch_progress": {"current": {"completed": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_psnr'}": {"best_model_score": torch.tensor(31.5),
                                                                   "best_model_path": "/runs/best.ckpt"}},
        "optimizer_states": [{"state": {0: {"step": torch.tensor(1200.0), "exp_avg": torch.zeros(2, 1, 3, 3),
                                            "exp_avg_sq": torch.zeros(2, 1, 3, 3)}},
                              "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.99), "params": [0, 1]}]}],
        "lr_schedulers": [{"milestones": {250000: 1}, "gamma": 0.5}],
        "hparams_name": "kwargs",
        "hyper_parameters": {"lr": 1e-3, "scale": 4, "channels": [52, 48]},
    }
    torch.save(lightning, os.path.join(OUT, "lightning_like.ckpt"))

    import numpy as np
    np.savez_compressed(os.path.join(OUT, "numpy_compressed.npz"),
                        a=np.arange(6, dtype=">i4").reshape(2, 3),
                        b=np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3) / 2))

    for name, data in evil_pickles().items():
        for op in pickletools_ops(data):
            pass
        with open(os.path.join(OUT, "evil_" + name + ".pkl"), "wb") as f:
            f.write(data)
        write_zip(os.path.join(OUT, "evil_" + name + ".pth"), data)
    with open(os.path.join(OUT, "evil_legacy_main.pth"), "wb") as f:
        f.write(legacy_header() + evil_pickles()["os_system"])
    for n in sorted(os.listdir(OUT)):
        print("%8d  %s" % (os.path.getsize(os.path.join(OUT, n)), n))


def pickletools_ops(data):
    """Parses (never executes) a pickle to make sure it is well formed."""
    import pickletools
    return list(pickletools.genops(data))


if __name__ == "__main__":
    main()
