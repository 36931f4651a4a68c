"""The decoder's weights for the browser: float32, base64, layer by layer (MLP decoders)."""

from __future__ import annotations

import base64

import numpy as np
from torch import nn


def _b64(a: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def decoder_spec(model, half: bool | None = None) -> dict:
    """{"dtype", "layers": [{"in", "out", "w", "b"}, ...]} for Linear-ReLU-...-Linear decoders.

    w is row-major (out x in), little-endian. Weights go as float16 when every one of them is
    exactly a float16 (as in our checkpoints, stored in half precision): half the bytes, the
    same numbers. Raises ValueError for any other decoder, so a page can fall back to the server.
    """
    mods = list(getattr(model, "decoder", nn.Sequential()))
    linears = [m for m in mods if isinstance(m, nn.Linear)]
    relus = [m for m in mods if isinstance(m, nn.ReLU)]
    expected = [nn.Linear, nn.ReLU] * (len(linears) - 1) + [nn.Linear]
    if not linears or [type(m) for m in mods] != expected or len(relus) != len(linears) - 1:
        raise ValueError("only MLP decoders (Linear, ReLU, ..., Linear) run in the browser")
    arrays = [(lin.weight.detach().float().cpu().numpy(), lin.bias.detach().float().cpu().numpy())
              for lin in linears]
    if half is None:
        half = all(np.array_equal(a.astype(np.float16).astype(np.float32), a)
                   for pair in arrays for a in pair)
    dtype = "<f2" if half else "<f4"
    layers = [{"in": int(w.shape[1]), "out": int(w.shape[0]), "w": _b64(w, dtype),
               "b": _b64(b, dtype)} for w, b in arrays]
    return {"dtype": "float16" if half else "float32", "layers": layers}
