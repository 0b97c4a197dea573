#!/usr/bin/python3
"""Checks a .safetensors file against the specification and against a reference PyTorch checkpoint.

Usage: /usr/bin/python3 tools/reference/check_safetensors.py FILE.safetensors REFERENCE.pth [ENTRY]

The safetensors package is not installed here, so the file is parsed by hand, following the specification
(https://github.com/huggingface/safetensors#format): an unsigned little-endian 64-bit header length N; N bytes of
UTF-8 JSON that start with '{' and may be padded with trailing spaces; entries {"dtype", "shape", "data_offsets"}
(offsets relative to the end of the header, covering the data section contiguously without holes) and an optional
string-to-string "__metadata__". Every tensor must equal the reference's (bit-exact, C-order).
"""
import json
import struct
import sys

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def check(path, reference, entry=None):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    raw = data[8:8 + n]
    assert raw[:1] == b"{", "header must start with '{'"
    text = raw.decode("utf-8")
    assert text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" "))), "only trailing space padding"
    header = json.loads(text)
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()), "metadata must map str to str"
    body = data[8 + n:]
    spans = sorted(tuple(v["data_offsets"]) for v in header.values())
    position = 0
    for begin, end in spans:
        assert begin == position, "data section has a hole or overlap at %d" % begin
        position = end
    assert position == len(body), "data section length %d, offsets end at %d" % (len(body), position)

    ref = torch.load(reference, map_location="cpu")
    if entry is not None:
        ref = ref[entry]
    elif isinstance(ref, dict) and "params" in ref and isinstance(ref["params"], dict):
        ref = ref["params"]
    ref = {k[len("module."):] if k.startswith("module.") else k: v for k, v in ref.items()}
    assert list(header) == list(ref), "keys or key order differ"
    for key, info in header.items():
        dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        t = t.reshape(info["shape"])
        r = ref[key].detach()
        assert r.dtype == dtype, (key, r.dtype, dtype)
        assert list(r.shape) == info["shape"], (key, r.shape, info["shape"])
        as_bytes = lambda x: x.contiguous().reshape(-1).view(torch.uint8)  # bit-exact, also for -0.0 and NaN
        assert torch.equal(as_bytes(t), as_bytes(r)), key
    print("OK %s: %d tensors, header %d bytes, metadata %s" % (path, len(header), n, meta))


if __name__ == "__main__":
    check(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
