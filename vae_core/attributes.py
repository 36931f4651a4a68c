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

Analogies, "this 3 is to that 3 as this 7 is to …": the answer is the code c + (b − a). Over
seeded triples (a and b of one class, c of another) the command measures whether the answer's
strokes change from c's as b's do from a's (Pearson's r of the two changes, the share that
change the same way) and how often the judge still reads the answer as c's class.
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
CONDITIONAL = ("mnist_cvae_2d", "mnist_cvae_16d")  # analogies only
STEPS = (-1.0, 1.0)
SAMPLE = 1000
ANALOGIES = 500  # seeded triples a model


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


def pictures(model, judge, codes: np.ndarray, y=None) -> dict:
    """Decode codes (with the classes y, for a conditional model): each picture's morphometrics
    and the judge's class."""
    from .latent import decode, judge_probabilities

    images = decode(model, codes, y=y)
    return {"morpho": morpho.measure_many(images), "class": judge_probabilities(judge, images).argmax(1)}


def analogy(a, b, c) -> np.ndarray:
    """"a is to b as c is to …": the code c + (b − a)."""
    return np.asarray(c) + (np.asarray(b) - np.asarray(a))


def analogy_triples(labels: np.ndarray, n: int = ANALOGIES, seed: int = 0) -> tuple[np.ndarray, ...]:
    """n seeded triples of test indices (a, b, c): a ≠ b of one class, c of another class."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(labels == k) for k in range(int(labels.max()) + 1)]
    same = rng.integers(0, len(members), n)
    other = (same + rng.integers(1, len(members), n)) % len(members)
    ab = np.array([rng.choice(members[k], 2, replace=False) for k in same])
    return ab[:, 0], ab[:, 1], np.array([rng.choice(members[k]) for k in other])


def example_pair(values: np.ndarray, labels: np.ndarray, cls: int) -> tuple[int, int]:
    """Two test digits of one class for a first analogy: a thin, upright one and a bold one that
    slants right (each the digit nearest its target: thickness at the class's 20th or 80th
    percentile, slant at its median or 80th percentile)."""
    k, s = morpho.ATTRIBUTES.index("thickness"), morpho.ATTRIBUTES.index("slant")
    idx = np.flatnonzero((np.asarray(labels) == cls) & np.isfinite(values).all(1))
    v = values[idx][:, [k, s]]
    scale = v.std(0)

    def nearest(q_thick: float, q_slant: float) -> int:
        target = np.array([np.percentile(v[:, 0], q_thick), np.percentile(v[:, 1], q_slant)])
        return int(idx[np.argmin((((v - target) / scale) ** 2).sum(1))])

    return nearest(20, 50), nearest(80, 80)


def analogies(model, judge, codes: np.ndarray, labels: np.ndarray, n: int = ANALOGIES, seed: int = 0) -> dict:
    """Over n seeded triples (`analogy_triples`): for each attribute, how the measured change from
    c to the answer follows that from a to b (Pearson's r, least-squares slope through 0, share
    changed the same way), and the share of answers the judge reads as the class it read for c.
    A conditional model's codes are given their labels (its atlas's), and the answer c's."""
    from .families import of

    labels = np.asarray(labels)
    ia, ib, ic = analogy_triples(labels, n, seed)
    za, zb, zc = (np.asarray(codes, np.float32)[i] for i in (ia, ib, ic))
    ya, yb, yc = (labels[i] if of(model).conditional else None for i in (ia, ib, ic))
    pa, pb, pc, pd = (pictures(model, judge, z, y) for z, y in
                      ((za, ya), (zb, yb), (zc, yc), (analogy(za, zb, zc), yc)))
    out = {"n": int(n), "class_kept": float((pd["class"] == pc["class"]).mean()), "attributes": {}}
    for attribute in ATTRIBUTES:
        k = morpho.ATTRIBUTES.index(attribute)
        asked, got = pb["morpho"][:, k] - pa["morpho"][:, k], pd["morpho"][:, k] - pc["morpho"][:, k]
        ok = np.isfinite(asked) & np.isfinite(got)
        asked, got = asked[ok], got[ok]
        out["attributes"][attribute] = {
            "r": float(np.corrcoef(asked, got)[0, 1]), "slope": float(asked @ got / (asked @ asked)),
            "same_way": float((np.sign(asked) == np.sign(got)).mean()), "n": int(ok.sum())}
    return out


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


def report(folder, root=None, sample: int = SAMPLE, steps=STEPS, models=(*MODELS, *CONDITIONAL),
           seed: int = 0, progress: bool = True, triples: int = ANALOGIES) -> dict:
    from tqdm import tqdm

    from .atlas import open_atlas
    from .checkpoint import load_model
    from .families import of

    folder = Path(folder)
    measured = morpho.load(folder / "atlas" / "mnist_morpho.npz")
    judge = load_model(folder / "mnist_judge.safetensors")
    pick = np.sort(np.random.default_rng(seed).choice(len(measured["labels"]), sample, replace=False))
    out = {"fraction": FRACTION, "sample": sample, "steps": list(steps), "units": "pixels, slant in radians",
           "attributes": {a: list(words) for a, words in ATTRIBUTES.items()}, "analogies": triples,
           "models": {}}
    names = [n for n in models if (folder / f"{n}.safetensors").is_file()]
    for name in tqdm(names, desc="attributes", disable=not progress, file=sys.stderr):
        model, at = load_model(folder / f"{name}.safetensors"), open_atlas(folder / f"{name}.safetensors")
        entry = out["models"][name] = {"latent_dim": int(at.mu.shape[1])}
        entry["analogies"] = analogies(model, judge, at.mu, measured["labels"], triples, seed)
        if of(model).conditional:  # analogies only: no attribute vectors for a code without class
            continue
        codes = at.mu[pick].astype(np.float32)
        before = pictures(model, judge, codes)
        entry["vectors"] = {}
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
    p.add_argument("--models", nargs="+", default=[*MODELS, *CONDITIONAL])
    p.add_argument("--analogies", type=int, default=ANALOGIES, help="seeded analogy triples a model")
    args = p.parse_args(argv)
    out = report(args.dir, sample=args.sample, models=args.models, progress=not args.no_progress,
                 triples=args.analogies)
    report_args.write(out, args, "attributes_mnist.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
