"""Anomalies: score how unlike its training data an image is to a VAE, by its negative ELBO.

    python -m vae_core.anomaly checkpoints/mnist_vae_2d.safetensors --json out.json

scores the in-distribution test set (the model's own data set) against the other data set's
test set and uniform noise by per-image negative ELBO, and reports the ROC AUC of each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

from .checkpoint import load_model, read_metadata
from .config import DATASETS
from .data import load_split
from .families import of
from .images import as_batch
from .index import print_report
from .losses import kl_to_standard_normal, reconstruction_nll


@torch.inference_mode()
def scores(model, x, score: str = "neg_elbo", samples: int = 1, seed: int = 0,
           batch_size: int = 1000) -> np.ndarray:
    """Per-image anomaly score in nats: "neg_elbo" (VAE) or "recon" (reconstruction BCE).

    The VAE's terms are Monte Carlo over `samples` seeded draws of z; an AE has only "recon".
    """
    if score not in ("neg_elbo", "recon"):
        raise ValueError(f"score must be 'neg_elbo' or 'recon', got {score!r}")
    x = as_batch(x)
    gen = torch.Generator().manual_seed(seed)
    out = []
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        if not of(model).stochastic:
            out.append(reconstruction_nll(model.decode_logits(model.encode(xb)), xb))
            continue
        mu, logvar = model.encode(xb)
        rec = torch.zeros(len(xb))
        for _ in range(samples):
            z = model.reparameterize(mu, logvar, torch.randn(mu.shape, generator=gen))
            rec += reconstruction_nll(model.decode_logits(z), xb) / samples
        out.append(rec + (kl_to_standard_normal(mu, logvar) if score == "neg_elbo" else 0))
    return torch.cat(out).numpy().astype(np.float64)


def roc_auc(normal: np.ndarray, anomalous: np.ndarray) -> float:
    """P(score of a random anomaly > score of a random normal image), ties counting half.

    This equals the area under the ROC curve (Mann-Whitney U), computed from ranks.
    """
    normal, anomalous = np.asarray(normal, np.float64), np.asarray(anomalous, np.float64)
    if not len(normal) or not len(anomalous):
        raise ValueError("need at least one score of each kind")
    both = np.concatenate([normal, anomalous])
    _, inverse, counts = np.unique(both, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = ((ends - counts + 1 + ends) / 2)[inverse]  # ties share their mean rank
    u = ranks[len(normal):].sum() - len(anomalous) * (len(anomalous) + 1) / 2
    return float(u / (len(normal) * len(anomalous)))


def roc_curve(normal: np.ndarray, anomalous: np.ndarray, n: int = 200):
    """(false positive rate, true positive rate, thresholds) for flagging scores >= threshold."""
    lo = min(np.min(normal), np.min(anomalous))
    hi = max(np.max(normal), np.max(anomalous))
    t = np.linspace(hi, lo, n)
    fpr = (np.asarray(normal)[None, :] >= t[:, None]).mean(1)
    tpr = (np.asarray(anomalous)[None, :] >= t[:, None]).mean(1)
    return fpr, tpr, t


def summary(own: np.ndarray, other: np.ndarray, noise: np.ndarray, bins: int = 80,
            flagged_share: float = 0.05) -> dict:
    """What a page shows of three sets of scores, computed once: the ROC AUCs, histogram
    counts over shared edges (from the lowest score to the 99.5th percentile), a default
    threshold that flags `flagged_share` of the model's own images, the sorted scores (for
    the share above any threshold) and the 16 strangest own / most familiar foreign images."""
    lo = float(np.floor(min(own.min(), other.min())))
    hi = float(np.ceil(np.quantile(np.concatenate([own, other]), 0.995)))
    edges = np.linspace(lo, hi, bins + 1)
    return {"auc": roc_auc(own, other), "auc_noise": roc_auc(own, noise), "lo": lo, "hi": hi,
            "default": float(np.round(np.quantile(own, 1 - flagged_share))), "edges": edges,
            "counts": {k: np.histogram(np.clip(v, lo, hi), edges)[0]
                       for k, v in (("own", own), ("other", other))},
            "own_sorted": np.sort(own), "other_sorted": np.sort(other),
            "worst": np.argsort(own)[::-1][:16], "sneaky": np.argsort(other)[:16],
            "roc": roc_curve(own, other)}


def share_above(sorted_scores: np.ndarray, threshold: float) -> float:
    """The share of (sorted) scores above a threshold, by binary search."""
    return 1.0 - float(np.searchsorted(sorted_scores, threshold, side="right")) / len(sorted_scores)


def uniform_noise(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 28, 28), dtype=np.float32)


def report(path, root=None, score: str = "neg_elbo", noise_images: int = 1000) -> dict:
    """Scores the model's test set against the other data set's and noise; the ROC AUC of each."""
    meta = read_metadata(path)
    model = load_model(path)
    own = meta["dataset"]
    other = next(d for d in DATASETS if d != own)
    x_own, _ = load_split(own, train=False, root=root)
    x_other, _ = load_split(other, train=False, root=root)
    s_own = scores(model, x_own, score)
    out = {"checkpoint": Path(path).name, "dataset": own, "score": score, "samples": 1,
           "seed": 0, "n_images": len(x_own), "median_score": float(np.median(s_own))}
    for name, x in ((other, x_other), ("uniform noise", uniform_noise(noise_images))):
        s = scores(model, x, score)
        out[name] = {"n_images": len(x), "median_score": float(np.median(s)),
                     "roc_auc": roc_auc(s_own, s)}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.anomaly", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--score", choices=("neg_elbo", "recon"), default="neg_elbo")
    p.add_argument("--data-root", default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = p.parse_args(argv)
    try:
        out = report(args.checkpoint, args.data_root, args.score)
    except (RuntimeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print_report(out, args.json, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
