"""Your own digit: read an uploaded or drawn picture safely and prepare it the way MNIST was.

MNIST's recipe (LeCun et al.): the digit is size-normalised to fit a 20x20 box, keeping its
aspect ratio, then placed in a 28x28 image so that its centre of mass sits at the centre.
`to_mnist` does the same to any grey image, after inverting dark-on-light pictures and cropping
to the ink. `read_image` turns untrusted bytes into a grey array, or raises `ImageProblem`
with a sentence a student can act on.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .images import to_unit

MAX_PIXELS = 25_000_000  # a 5000x5000 photo is fine; a decompression bomb is refused unread
MAX_BYTES = 10 * 1024 * 1024
BOX = 20  # the digit's longer side after size normalisation
SIZE = 28
INK = 0.1  # a pixel darker/brighter than the background by this much counts as ink


class ImageProblem(ValueError):
    """Why a picture cannot be used, in words for the person who supplied it."""


def read_image(data: bytes) -> tuple[np.ndarray, list[str]]:
    """Untrusted bytes -> (grey image as float32 in [0, 1], notes about what was done).

    Handles RGBA (composited on white), palettes, 16-bit greys, EXIF rotation and animations
    (first frame). Refuses empty files, non-images and images over MAX_PIXELS before decoding.
    """
    if not data:
        raise ImageProblem("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageProblem(f"The file is {len(data) / 2**20:.0f} MB; the limit is "
                           f"{MAX_BYTES // 2**20} MB.")
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))  # reads the header only
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageProblem(f"The image is {w:,}×{h:,} pixels; the limit is "
                                   f"{MAX_PIXELS:,} pixels. Scale it down first.")
            if w < 1 or h < 1:
                raise ImageProblem("The image has no pixels.")
            if getattr(img, "n_frames", 1) > 1:
                notes.append(f"The file has {img.n_frames} frames; the first one is used.")
                img.seek(0)
            img = ImageOps.exif_transpose(img)
            grey = _to_grey(img)
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own cap
        raise ImageProblem(f"The image has more than the limit of {MAX_PIXELS:,} pixels. "
                           "Scale it down first.") from None
    except UnidentifiedImageError:
        raise ImageProblem("This is not an image Pillow can read (try PNG or JPEG).") from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:  # truncated or malformed data
        raise ImageProblem(f"The image could not be decoded ({type(e).__name__}: {e}).") from None
    return grey, notes


def _to_grey(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16/32-bit greys: scale by their own range
        a = np.asarray(img, np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or a.max() > 255 else 255.0
        return np.clip(a / top, 0, 1).astype(np.float32)
    if img.mode == "F":
        a = np.asarray(img, np.float32)
        return np.clip(a / max(float(a.max()), 1.0), 0, 1)
    if img.mode in ("P", "PA", "LA", "RGBA", "La") or "transparency" in img.info:
        img = img.convert("RGBA")
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)  # transparent = paper
    return to_unit(img.convert("L"))


def to_mnist(grey: np.ndarray) -> np.ndarray:
    """A grey image (H, W) in [0, 1] -> (28, 28) in [0, 1], white ink on black, like MNIST.

    Raises ImageProblem if there is no ink (a blank drawing or a flat picture).
    """
    a = np.asarray(grey, np.float32)
    if a.ndim != 2 or a.size == 0:
        raise ImageProblem("Expected a 2-D grey image.")
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if np.median(border) > 0.5:  # dark ink on light paper: make it light ink on black
        a = 1.0 - a
    background = float(np.median(border if np.median(border) <= 0.5 else 1.0 - border))
    a = np.clip((a - background) / max(1.0 - background, 1e-6), 0, 1)
    ink = a > INK
    if not ink.any():
        raise ImageProblem("There is no digit in the picture: it is blank.")
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    a = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = a.shape
    scale = BOX / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = np.asarray(Image.fromarray(a, mode="F").resize((nw, nh), Image.Resampling.LANCZOS))
    small = np.clip(small, 0, 1)
    out = np.zeros((SIZE, SIZE), np.float32)
    total = small.sum()
    # MNIST puts the centre of mass at pixel (14, 14) (measured: 13.99, 14.01 on the test set)
    cy, cx = ((np.indices(small.shape) * small).reshape(2, -1).sum(1) / total
              if total > 0 else ((nh - 1) / 2, (nw - 1) / 2))
    top = int(np.clip(round(SIZE / 2 - cy), 0, SIZE - nh))
    left = int(np.clip(round(SIZE / 2 - cx), 0, SIZE - nw))
    out[top : top + nh, left : left + nw] = small
    return out


def prepare(data: bytes) -> tuple[np.ndarray, list[str]]:
    """Bytes of a picture -> (28x28 MNIST-like image, notes). Raises ImageProblem."""
    grey, notes = read_image(data)
    return to_mnist(grey), notes
