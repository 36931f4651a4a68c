"""The decoder's weights for the browser, and the binary payload that carries them.

The live components receive one `bytes` payload (no JSON-encoded base64): the magic "LL01", the
header length (uint32, little-endian), a JSON header, then every array 8-byte aligned. The
header's "tree" is the data with each array replaced by {"__array__": i}; "arrays" gives each
array's dtype, byte offset and length. pages/live/decoder.js `unpack` reads it back.
"""

from __future__ import annotations

import hashlib
import json
import struct

import numpy as np
from torch import nn

MAGIC = b"LL01"
DTYPES = {"float16": "<f2", "float32": "<f4", "uint8": "u1"}


def decoder_spec(model, half: bool | None = None) -> dict:
    """{"id", "dtype", "layers": [{"in", "out", "w", "b"}, ...]} of a Linear-ReLU-...-Linear decoder.

    w is (out, in). The arrays are float16 when every weight is exactly a float16 (as in our
    checkpoints, stored in half precision): half the bytes, the same numbers. Raises ValueError
    for any other decoder, so a page can fall back to decoding on the server.
    """
    mods = list(getattr(model, "decoder", nn.Sequential()))
    linears = [m for m in mods if isinstance(m, nn.Linear)]
    expected = [nn.Linear, nn.ReLU] * (len(linears) - 1) + [nn.Linear]
    if not linears or [type(m) for m in mods] != expected:
        raise ValueError("only MLP decoders (Linear, ReLU, ..., Linear) run in the browser")
    arrays = [(lin.weight.detach().float().cpu().numpy(), lin.bias.detach().float().cpu().numpy())
              for lin in linears]
    if half is None:
        half = all(np.array_equal(a.astype(np.float16).astype(np.float32), a)
                   for pair in arrays for a in pair)
    dtype = np.float16 if half else np.float32
    layers = [{"in": int(w.shape[1]), "out": int(w.shape[0]), "w": w.astype(dtype),
               "b": b.astype(dtype)} for w, b in arrays]
    digest = hashlib.sha1()
    for layer in layers:
        digest.update(layer["w"].tobytes())
        digest.update(layer["b"].tobytes())
    return {"id": digest.hexdigest()[:16], "dtype": np.dtype(dtype).name, "layers": layers}


def pack(tree) -> bytes:
    """Serialise a JSON-able tree whose leaves may be numpy arrays (float16/32, uint8)."""
    blobs: list[bytes] = []
    specs: list[dict] = []
    offset = 0

    def strip(x):
        nonlocal offset
        if isinstance(x, np.ndarray):
            name = x.dtype.name
            if name not in DTYPES:
                raise ValueError(f"cannot pack arrays of {name}")
            raw = np.ascontiguousarray(x, dtype=DTYPES[name]).tobytes()
            specs.append({"dtype": name, "offset": offset, "length": int(x.size)})
            blobs.append(raw + b"\0" * (-len(raw) % 8))
            offset += len(blobs[-1])
            return {"__array__": len(specs) - 1}
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [strip(v) for v in x]
        return x

    tree = strip(tree)
    relative = [s["offset"] for s in specs]
    start = 8
    while True:  # the header holds the offsets, which depend on the header's length
        for s, r in zip(specs, relative):
            s["offset"] = start + r
        header = json.dumps({"tree": tree, "arrays": specs}).encode()
        need = 8 + len(header) + (-(8 + len(header)) % 8)
        if need <= start:
            break
        start = need
    header += b" " * (start - 8 - len(header))  # JSON ignores trailing spaces
    return MAGIC + struct.pack("<I", len(header)) + header + b"".join(blobs)


def unpack(payload: bytes):
    """The inverse of `pack` (numpy arrays back in the tree); used by the tests."""
    if payload[:4] != MAGIC:
        raise ValueError("not a Latent Lab payload")
    (n,) = struct.unpack("<I", payload[4:8])
    head = json.loads(payload[8 : 8 + n])
    arrays = [np.frombuffer(payload, DTYPES[a["dtype"]], a["length"], a["offset"])
              for a in head["arrays"]]

    def fill(x):
        if isinstance(x, dict):
            return arrays[x["__array__"]] if "__array__" in x else {k: fill(v) for k, v in x.items()}
        if isinstance(x, list):
            return [fill(v) for v in x]
        return x

    return fill(head["tree"])
