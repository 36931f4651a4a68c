"""The decoder's weights for the browser, and the binary payload that carries them.

The live components receive one `bytes` payload (no JSON-encoded base64): the magic "LL01", the
header length (uint32, little-endian), a JSON header, then every array 8-byte aligned. The
header's "tree" is the data with each array replaced by {"__array__": i}; "arrays" gives each
array's dtype, byte offset and length. The UI kit's decoder.js `unpack` reads it back.
"""

from __future__ import annotations

import hashlib
import json
import struct

import numpy as np
from torch import nn

from .config import NUM_CLASSES
from .families import of

MAGIC = b"LL01"
DTYPES = {"float16": "<f2", "float32": "<f4", "uint8": "u1"}


def _layers_of(decoder) -> list[nn.Module]:
    """The decoder's weight layers, checked to be Linear/ConvTranspose2d with a ReLU between each
    two (an Unflatten may sit between the dense and the transposed-conv part), none after the
    last. Raises ValueError for anything else."""
    mods = [m for m in decoder if not isinstance(m, nn.Unflatten)]
    layers = mods[::2]
    ok = (mods and all(isinstance(m, nn.ReLU) for m in mods[1::2]) and len(mods) % 2 == 1
          and all(isinstance(m, nn.Linear | nn.ConvTranspose2d) for m in layers))
    if ok:  # dense first, then transposed convs; an Unflatten exactly where they meet
        kinds = [isinstance(m, nn.ConvTranspose2d) for m in layers]
        seq = list(decoder)
        where = [i for i, m in enumerate(seq) if isinstance(m, nn.Unflatten)]
        ok = kinds == sorted(kinds) and (
            where == [] if not any(kinds) else
            len(where) == 1 and 0 < where[0] < len(seq) - 1 and not kinds[0]
            and isinstance(seq[where[0] + 1], nn.ConvTranspose2d))
    if not ok:
        raise ValueError("only decoders of Linear and ConvTranspose2d layers with ReLUs between "
                         "them (MLP decoders, conv decoders) run in the browser")
    return layers


def decoder_spec(model, half: bool | None = None) -> dict:
    """{"id", "dtype", "layers": [...]} of the decoder, for the browser's decoder.js.

    A dense layer is {"type": "dense", "in", "out", "w" (out, in), "b"}; a transposed conv is
    {"type": "convT", "cin", "cout", "k", "stride", "pad", "hin", "win", "hout", "wout",
    "w" (cin, cout, k, k), "b"}, its input laid out as the Unflatten before it says (C, H, W).
    The arrays are float16 when every weight is exactly a float16 (as in our checkpoints,
    stored in half precision): half the bytes, the same numbers. A conditional model's decoder
    takes z followed by the one-hot label ("classes": 10 says so). Raises ValueError for any
    other decoder, so a page can fall back to decoding on the server.
    """
    decoder = getattr(model, "decoder", None)
    if not isinstance(decoder, nn.Sequential):
        raise ValueError("only MLP or conv decoders (an nn.Sequential) run in the browser")
    layers = _layers_of(decoder)
    shape = next((m.unflattened_size for m in decoder if isinstance(m, nn.Unflatten)), None)
    arrays = [(m.weight.detach().float().cpu().numpy(), m.bias.detach().float().cpu().numpy())
              for m in layers]
    if half is None:
        half = all(np.array_equal(a.astype(np.float16).astype(np.float32), a)
                   for pair in arrays for a in pair)
    dtype = np.float16 if half else np.float32
    out = []
    for m, (w, b) in zip(layers, arrays):
        if isinstance(m, nn.Linear):
            out.append({"type": "dense", "in": int(w.shape[1]), "out": int(w.shape[0]),
                        "w": w.astype(dtype), "b": b.astype(dtype)})
            continue
        k, s, p = m.kernel_size[0], m.stride[0], m.padding[0]
        square = m.kernel_size == (k, k) and m.stride == (s, s) and m.padding == (p, p)
        if not square or m.groups != 1 or m.dilation != (1, 1) or m.output_padding != (0, 0):
            raise ValueError("only square, ungrouped, undilated transposed convs run in the browser")
        cin, hin, win = shape
        hout, wout = (hin - 1) * s - 2 * p + k, (win - 1) * s - 2 * p + k
        out.append({"type": "convT", "cin": int(cin), "cout": int(w.shape[1]), "k": int(k),
                    "stride": int(s), "pad": int(p), "hin": int(hin), "win": int(win),
                    "hout": int(hout), "wout": int(wout), "w": w.astype(dtype),
                    "b": b.astype(dtype)})
        shape = (int(w.shape[1]), hout, wout)
    digest = hashlib.sha1()
    for layer in out:
        digest.update(layer["w"].tobytes())
        digest.update(layer["b"].tobytes())
    spec = {"id": digest.hexdigest()[:16], "dtype": np.dtype(dtype).name, "layers": out}
    if of(model).conditional:  # its input is z followed by the label, one-hot: latent_dim + classes
        spec["classes"] = NUM_CLASSES
    return spec


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
