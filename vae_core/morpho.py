"""Morphometrics of digit images: stroke thickness, slant, width, height, area and stroke length,
as Morpho-MNIST defines them (Castro et al. 2019, "Morpho-MNIST: Quantitative Assessment and
Diagnostics for Representation Learning", §2), computed with scikit-image.

An image is upscaled 4× (bicubic: `skimage.transform.pyramid_expand`) and binarized halfway
between its darkest and brightest pixel. Then, in pixels of the original 28 × 28 image:

- area: the ink's area;
- length: the length of the ink's skeleton (`skimage.morphology.medial_axis`), a diagonal step
  counting √2;
- thickness: twice the mean distance from the skeleton to the ink's edge (the medial axis's own
  distance transform): the mean stroke width;
- slant: the horizontal shear of the upscaled image's second-order central moments
  (`skimage.measure.moments_central`), arctan(−μ11 / μ02) in radians, positive when the top leans
  right;
- width and height: the sides of the parallelogram sheared by that slant that holds all but 2% of
  the image's mass (1% cut from each side).

    python -m vae_core.morpho --dataset mnist --out checkpoints/atlas/mnist_morpho.npz
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ATTRIBUTES = ("thickness", "slant", "width", "height", "area", "length")
SCALE, THRESHOLD, BOUND_FRAC = 4, 0.5, 0.02


def _weighted_range(values: np.ndarray, weights: np.ndarray, frac: float) -> float:
    """The spread between the frac/2 and 1 − frac/2 quantiles of `values` weighted by `weights`."""
    order = np.argsort(values)
    cdf = np.cumsum(weights[order])
    cdf /= cdf[-1]
    lo, hi = np.interp([frac / 2, 1 - frac / 2], cdf, values[order])
    return float(hi - lo)


def measure(image, scale: int = SCALE, threshold: float = THRESHOLD, bound_frac: float = BOUND_FRAC) -> dict:
    """The six morphometrics of one (28, 28) image of intensities in [0, 1] (uint8 is scaled);
    NaN for each when the image has no ink."""
    from skimage import measure as skmeasure
    from skimage import morphology, transform

    img = np.asarray(image, np.float64)
    if img.dtype == np.uint8 or img.max() > 1.0:
        img = img / 255.0
    hires = transform.pyramid_expand(img, upscale=scale, order=3, channel_axis=None)
    lo, hi = float(hires.min()), float(hires.max())
    binary = hires >= lo + (hi - lo) * threshold
    if hi - lo < 1e-6 or not binary.any():
        return dict.fromkeys(ATTRIBUTES, math.nan)
    skeleton, distance = morphology.medial_axis(binary, return_distance=True, rng=0)
    s = skeleton
    straight = (s[:, :-1] & s[:, 1:]).sum() + (s[:-1, :] & s[1:, :]).sum()
    diagonal = (s[:-1, :-1] & s[1:, 1:]).sum() + (s[:-1, 1:] & s[1:, :-1]).sum()
    mass = np.clip(hires, 0, None)
    mu = skmeasure.moments_central(mass, order=2)  # mu[i, j]: rows to the i, columns to the j
    shear = mu[1, 1] / mu[2, 0]
    rows, cols = np.indices(mass.shape)
    middle = (rows * mass).sum() / mass.sum()
    sheared = cols - shear * (rows - middle)  # columns of an upright digit
    weights = mass.ravel()
    return {
        "thickness": float(2 * distance[s].mean() / scale),
        "slant": float(math.atan(-shear)),
        "width": _weighted_range(sheared.ravel(), weights, bound_frac) / scale,
        "height": _weighted_range(rows.ravel().astype(np.float64), weights, bound_frac) / scale,
        "area": float(binary.sum() / scale**2),
        "length": float((straight + math.sqrt(2) * diagonal) / scale),
    }


def measure_many(images, progress: bool = False) -> np.ndarray:
    """(N, len(ATTRIBUTES)) float32: each image's morphometrics, in ATTRIBUTES' order."""
    from tqdm import tqdm

    out = np.empty((len(images), len(ATTRIBUTES)), np.float32)
    for i, img in enumerate(tqdm(images, desc="morphometrics", disable=not progress, file=sys.stderr)):
        m = measure(img)
        out[i] = [m[a] for a in ATTRIBUTES]
    return out


def save(path, values: np.ndarray, labels: np.ndarray) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, values=values, labels=np.asarray(labels, np.uint8),
                        attributes=np.array(ATTRIBUTES))
    return path


def load(path) -> dict:
    """{"values": (N, 6), "labels": (N,), "attributes": names} of a file `save` wrote."""
    with np.load(path) as f:
        return {"values": f["values"], "labels": f["labels"],
                "attributes": tuple(str(a) for a in f["attributes"])}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.morpho", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--limit", type=int, default=None, help="the first N test images only")
    p.add_argument("--data-root", default=None)
    p.add_argument("--out", type=Path, required=True, help=".npz to write")
    args = p.parse_args(argv)
    from .data import raw_test_images

    images, labels = raw_test_images(args.dataset, args.data_root)
    images, labels = images[: args.limit], labels[: args.limit]
    values = measure_many(images, progress=True)
    print(f"wrote {save(args.out, values, labels)}: {len(values):,} images, "
          + ", ".join(f"{a} median {np.nanmedian(values[:, i]):.2f}" for i, a in enumerate(ATTRIBUTES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
