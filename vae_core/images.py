"""Pictures: a batch for the models (`as_batch`, `to_unit`), and for people crisp upscaled digits,
mosaics, PNG and GIF bytes."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from .config import IMAGE_SHAPE


def as_batch(x) -> torch.Tensor:
    """Images as the models take them: float32, (N, *IMAGE_SHAPE), from (N, 28, 28), (N, 784),
    (28, 28) or already (N, 1, 28, 28); values as given (see `to_unit` for uint8 pixels)."""
    return torch.as_tensor(np.asarray(x, np.float32)).reshape(-1, *IMAGE_SHAPE)


def to_unit(pixels) -> np.ndarray:
    """uint8 pixels (0-255, as the data sets store them) as float32 intensities in [0, 1]."""
    return np.asarray(pixels, np.float32) / 255.0


def to_uint8(probs: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(probs, np.float32), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def upscale(img: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour upscaling: every pixel becomes a crisp scale x scale block."""
    return np.kron(img, np.ones((scale, scale), dtype=img.dtype)) if scale > 1 else img


def digit_image(probs: np.ndarray, scale: int = 8) -> Image.Image:
    """One (28, 28) probability map as a large greyscale picture, white ink on black."""
    return Image.fromarray(upscale(to_uint8(probs), scale), mode="L")


def mosaic(images: np.ndarray, ncols: int, pad: int = 0, fill: float = 0.0) -> np.ndarray:
    """(N, h, w) images laid out row by row in ncols columns, with optional padding."""
    images = np.asarray(images, np.float32)
    n, h, w = images.shape
    nrows = -(-n // ncols)
    out = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), fill, np.float32)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = img
    return out


def png_bytes(img: Image.Image | np.ndarray, scale: int = 1) -> bytes:
    if not isinstance(img, Image.Image):
        img = digit_image(img, scale)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def gif_bytes(frames: np.ndarray, scale: int = 8, ms_per_frame: int = 80,
              bounce: bool = True) -> bytes:
    """An animated GIF of (N, 28, 28) frames, looping forever (and back again if bounce)."""
    seq = list(frames) + (list(frames[-2:0:-1]) if bounce and len(frames) > 2 else [])
    pics = [digit_image(f, scale) for f in seq]
    buf = io.BytesIO()
    pics[0].save(buf, format="GIF", save_all=True, append_images=pics[1:],
                 duration=ms_per_frame, loop=0)
    return buf.getvalue()
