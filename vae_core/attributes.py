"""Attribute vectors: directions in a model's latent space that make a digit bolder, slant it or
widen it, found from the test set's measured morphometrics (vae_core.morpho), and measured.

The direction of an attribute is found *within each class*: the mean code of the fifth of that
class's test digits with the most of the attribute, minus the mean code of the fifth with the
least, averaged over the ten classes. A difference taken within a class holds the class fixed,
so the vector carries the attribute and not a drift towards the classes that have more of it (1s
are thin, 0s are wide: a plain difference over all digits would partly point from 1s to 0s).
A step of 1 moves a code by that whole difference: from a typical thin digit of its class to a
typical bold one.

    python -m vae_core.attributes --dir checkpoints     # checkpoints/eval/attributes_mnist.json

For each model, attribute and step, over a seeded sample of test digits moved from their codes:
the change of the measured attribute of the decoded digit, the share that moved the right way,
and the share the judge still reads as the same class.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import morpho
from . import report as report_args

ATTRIBUTES = {"thickness": ("thinner", "bolder"), "slant": ("slant left", "slant right"),
              "width": ("narrower", "wider")}
FRACTION = 0.2
MODELS = ("mnist_vae_2d", "mnist_ae_2d", "mnist_vae_16d", "mnist_ae_16d", "mnist_vae_20d")
STEPS = (-1.0, 1.0)
SAMPLE = 1000


def direction(codes: np.ndarray, values: np.ndarray, labels: np.ndarray,
              fraction: float = FRACTION) -> np.ndarray:
    """The mean over classes of (mean code of the class's top `fraction` by value) − (mean code of
    its bottom `fraction`). Images whose value is NaN (no ink) are left out."""
    codes, values, labels = np.asarray(codes, np.float64), np.asarray(values), np.asarray(labels)
    diffs = []
    for c in np.unique(labels):
        keep = (labels == c) & np.isfinite(values)
        if keep.sum() < 2 / fraction:
            continue
        order = np.argsort(values[keep])
        k = max(1, int(round(fraction * len(order))))
        cls = codes[keep]
        diffs.append(cls[order[-k:]].mean(0) - cls[order[:k]].mean(0))
    if not diffs:
        raise ValueError("no class with enough measured images")
    return np.mean(diffs, axis=0)


def vectors(codes: np.ndarray, measured: dict) -> dict[str, np.ndarray]:
    """Every attribute's direction (`direction`) for one model's test codes, given the test set's
    measurements (`morpho.load`)."""
    return {a: direction(codes, measured["values"][:, morpho.ATTRIBUTES.index(a)], measured["labels"])
            for a in ATTRIBUTES}


def arrow(plane, z0, vector, step: float = 1.0, head: float = 0.2) -> np.ndarray:
    """An arrow on a map's plane (latent.Plane) from the code z0 to z0 + step · vector, as one
    polyline: the shaft, then the two strokes of its head (`head` of the shaft's length, 30°
    either side). For a model of more than two dimensions it is the step's projection."""
    a, b = plane.to_plane(np.stack([z0, z0 + step * np.asarray(vector, np.float32)]))
    back = (a - b) * head
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    left = b + np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]])
    right = b + np.array([c * back[0] + s * back[1], -s * back[0] + c * back[1]])
    return np.stack([a, b, left, b, right]).astype(np.float32)


def pictures(model, judge, codes: np.ndarray) -> dict:
    """Decode codes: each picture's morphometrics and the judge's class."""
    from .latent import decode, judge_probabilities

    images = decode(model, codes)
    return {"morpho": morpho.measure_many(images), "class": judge_probabilities(judge, images).argmax(1)}


def effect(before: dict, after: dict, attribute: str, step: float) -> dict:
    """What a step did, over the sample (`pictures` of the codes before and after it): the measured
    attribute's mean and median change, the share that changed the way the step points, and the
    share the judge reads as the same class as before."""
    a = morpho.ATTRIBUTES.index(attribute)
    change = after["morpho"][:, a] - before["morpho"][:, a]
    ok = np.isfinite(change)
    change = change[ok]
    return {"mean_change": float(change.mean()), "median_change": float(np.median(change)),
            "before_mean": float(np.nanmean(before["morpho"][:, a])),
            "right_way": float((np.sign(change) == np.sign(step)).mean()),
            "class_kept": float((before["class"] == after["class"]).mean()),
            "n": int(ok.sum())}


def report(folder, root=None, sample: int = SAMPLE, steps=STEPS, models=MODELS, seed: int = 0,
           progress: bool = True) -> dict:
    from tqdm import tqdm

    from .atlas import open_atlas
    from .checkpoint import load_model

    folder = Path(folder)
    measured = morpho.load(folder / "atlas" / "mnist_morpho.npz")
    judge = load_model(folder / "mnist_judge.safetensors")
    pick = np.sort(np.random.default_rng(seed).choice(len(measured["labels"]), sample, replace=False))
    out = {"fraction": FRACTION, "sample": sample, "steps": list(steps), "units": "pixels, slant in radians",
           "attributes": {a: list(words) for a, words in ATTRIBUTES.items()}, "models": {}}
    names = [n for n in models if (folder / f"{n}.safetensors").is_file()]
    for name in tqdm(names, desc="attributes", disable=not progress, file=sys.stderr):
        model, at = load_model(folder / f"{name}.safetensors"), open_atlas(folder / f"{name}.safetensors")
        codes = at.mu[pick].astype(np.float32)
        before = pictures(model, judge, codes)
        entry = out["models"][name] = {"latent_dim": int(at.mu.shape[1]), "vectors": {}}
        for attribute, vector in vectors(at.mu, measured).items():
            v = entry["vectors"][attribute] = {"vector": vector.tolist(),
                                               "norm": float(np.linalg.norm(vector)), "steps": {}}
            for step in steps:
                after = pictures(model, judge, codes + np.float32(step) * vector[None, :].astype(np.float32))
                v["steps"][f"{step:g}"] = effect(before, after, attribute, step)
    return out


def main(argv=None) -> int:
    p = report_args.parser("vae_core.attributes", __doc__, "attributes_mnist.json")
    p.add_argument("--sample", type=int, default=SAMPLE, help="seeded test digits moved")
    p.add_argument("--models", nargs="+", default=list(MODELS))
    args = p.parse_args(argv)
    out = report(args.dir, sample=args.sample, models=args.models, progress=not args.no_progress)
    report_args.write(out, args, "attributes_mnist.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
