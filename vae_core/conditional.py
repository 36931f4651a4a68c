"""The conditional VAEs measured (issue 22, "draw me a 7"):

    python -m vae_core.conditional --dir checkpoints     # eval/conditional_mnist.json

For each shipped conditional VAE (mnist_cvae_2d, mnist_cvae_16d), on the MNIST test set:
- **the class is the label's**: codes drawn from the prior N(0, I), decoded with each label,
  read by the judge: the share read as the label asked for, per class;
- **the style is the code's**: seeded test digits encoded with their own label, then decoded
  with each of the ten labels; the re-drawings' slant and thickness (Morpho-MNIST, measured)
  correlated with the source digit's, and the share the judge reads as the label asked for;
- **the code carries no class**: how often the nearest class mean of the codes (fitted on half of
  the test set, scored on the other half) names the digit, beside the plain VAE of the same size
  (chance: 10%); and the strongest correlation of a code dimension with slant and thickness.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import morpho
from . import report as report_args
from .config import NUM_CLASSES

MODELS = {"mnist_cvae_2d": "mnist_vae_2d", "mnist_cvae_16d": "mnist_vae_16d"}  # → the plain VAE twin
PRIOR = 1000  # prior codes drawn per class
SAMPLE = 300  # seeded test digits re-drawn as every class
STYLE = ("slant", "thickness")


def prior_classes(model, judge, per_class: int = PRIOR, seed: int = 0) -> dict:
    """Codes z ~ N(0, I) decoded with each label: the share the judge reads as that label."""
    from .latent import decode, judge_probabilities

    z = np.random.default_rng(seed).standard_normal((per_class, model.latent_dim)).astype(np.float32)
    share = []
    for c in range(NUM_CLASSES):
        read = judge_probabilities(judge, decode(model, z, y=c)).argmax(1)
        share.append(round(float((read == c).mean()), 4))
    return {"per_class": per_class, "share_read_as_asked": share, "min": min(share),
            "mean": round(float(np.mean(share)), 4)}


def redraw(model, codes: np.ndarray) -> np.ndarray:
    """Each code decoded with each label: (N, 10, 28, 28)."""
    from .latent import decode

    return np.stack([decode(model, codes, y=c) for c in range(NUM_CLASSES)], 1)


def style_kept(model, judge, images: np.ndarray, labels: np.ndarray, measured: np.ndarray) -> dict:
    """Test digits (N, 28, 28) with their labels and Morpho-MNIST measurements (N, 6), encoded
    given their label and re-drawn as every class: Pearson's r between the source's slant (and
    thickness) and its re-drawings', over all N × 10 pairs, the same for each label, and the
    judge's agreement with the label asked for."""
    from .latent import encode, judge_probabilities

    mu, _ = encode(model, images, labels)
    drawn = redraw(model, mu)  # (N, 10, 28, 28)
    flat = drawn.reshape(-1, 28, 28)
    m = morpho.measure_many(flat).reshape(len(images), NUM_CLASSES, -1)
    read = judge_probabilities(judge, flat).argmax(1).reshape(len(images), NUM_CLASSES)
    out = {"n": len(images), "read_as_asked": round(float((read == np.arange(NUM_CLASSES)).mean()), 4)}
    for a in STYLE:
        i = morpho.ATTRIBUTES.index(a)
        src = np.repeat(measured[:, i][:, None], NUM_CLASSES, 1)
        ok = np.isfinite(src) & np.isfinite(m[:, :, i])
        r = [np.corrcoef(src[:, c][ok[:, c]], m[:, c, i][ok[:, c]])[0, 1] for c in range(NUM_CLASSES)]
        out[a] = {"r": round(float(np.corrcoef(src[ok], m[:, :, i][ok])[0, 1]), 4),
                  "r_per_label": [round(float(x), 4) for x in r]}
    return out


def class_in_code(codes: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """How often the nearest class mean of the codes names the digit: class means fitted on a
    seeded half of the codes, scored on the other half."""
    idx = np.random.default_rng(seed).permutation(len(codes))
    fit, test = idx[: len(idx) // 2], idx[len(idx) // 2:]
    means = np.stack([codes[fit][labels[fit] == c].mean(0) for c in range(NUM_CLASSES)])
    d = ((codes[test][:, None, :] - means[None]) ** 2).sum(-1)
    return round(float((d.argmin(1) == labels[test]).mean()), 4)


def strongest_r(codes: np.ndarray, values: np.ndarray) -> dict:
    """The code dimension most correlated with a measurement, and its r."""
    ok = np.isfinite(values)
    r = [float(np.corrcoef(codes[ok, j], values[ok])[0, 1]) for j in range(codes.shape[1])]
    j = int(np.argmax(np.abs(r)))
    return {"dim": j, "r": round(r[j], 4)}


def report(folder, root=None, models=MODELS, sample: int = SAMPLE, per_class: int = PRIOR, seed: int = 0,
           progress: bool = True) -> dict:
    from tqdm import tqdm

    from .atlas import open_atlas
    from .checkpoint import load_model, read_metadata
    from .data import raw_test_images
    from .images import to_unit

    folder = Path(folder)
    measured = morpho.load(folder / "atlas" / "mnist_morpho.npz")
    images, labels = raw_test_images("mnist", root)
    judge = load_model(folder / "mnist_judge.safetensors")
    pick = np.sort(np.random.default_rng(seed).choice(len(labels), sample, replace=False))
    out = {"prior_per_class": per_class, "sample": sample, "seed": seed, "models": {}}
    for name in tqdm([n for n in models if (folder / f"{n}.safetensors").is_file()], desc="conditional",
                     disable=not progress, file=sys.stderr):
        path = folder / f"{name}.safetensors"
        model, meta = load_model(path), read_metadata(path)
        codes = open_atlas(path).mu
        entry = {"latent_dim": meta["latent_dim"], "test": meta.get("test", {}),
                 "prior": prior_classes(model, judge, per_class, seed),
                 "style": style_kept(model, judge, to_unit(images[pick]), labels[pick],
                                     measured["values"][pick]),
                 "class_from_code": class_in_code(codes, labels, seed),
                 "code_vs_style": {a: strongest_r(codes, measured["values"][:, morpho.ATTRIBUTES.index(a)])
                                   for a in STYLE}}
        twin = folder / f"{models[name]}.safetensors"
        if twin.is_file():
            entry["twin"] = {"name": models[name],
                             "class_from_code": class_in_code(open_atlas(twin).mu, labels, seed),
                             "test": read_metadata(twin).get("test", {})}
        out["models"][name] = entry
    return out


def main(argv=None) -> int:
    p = report_args.parser("vae_core.conditional", __doc__, "conditional_mnist.json")
    p.add_argument("--sample", type=int, default=SAMPLE, help="seeded test digits re-drawn as every class")
    p.add_argument("--prior", type=int, default=PRIOR, help="prior codes per class")
    args = p.parse_args(argv)
    out = report(args.dir, sample=args.sample, per_class=args.prior, progress=not args.no_progress)
    report_args.write(out, args, "conditional_mnist.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
