"""Autoencoder vs VAE, measured: how each twin's latent space behaves, judged by the classifier.

    python -m vae_core.contrast checkpoints --json checkpoints/eval/contrast_mnist.json

For every plain VAE of the data set and its autoencoder twin (same network, no KL), on the
shipped checkpoints:

- prior samples: decode z ~ N(0, I), the VAE's generative model (an autoencoder has none), and z
  from a Gaussian fitted to each model's test codes (what an autoencoder can be given afterwards,
  Ghosh et al. 2020): the judge's class shares, their entropy in bits (log2 10 = 3.32 is every
  class equally often), the share it reads confidently, and the Fréchet distance between the
  samples and the test images in the judge's feature space (lower is closer to real digits);
- the map's grid: an n x n grid over the region the test codes fill, on the map's plane;
- the codes: their spread, and the KL from the Gaussian fitted to them to N(0, I);
- interpolation: straight paths between the codes of seeded pairs of test digits of different
  classes: how often the judge's class changes along a path (1 is a clean morph), and the pixel
  distance between consecutive steps (a large jump is a gap crossed);
- the loss-term ablations (the plain 2-D VAE's network trained with another loss or β): what
  their prior samples are, judged, and where their codes sit.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import torch

from .atlas import open_atlas
from .checkpoint import list_checkpoints, load_model
from .data import load_split
from .families import is_judge, plain_ae, plain_vae, same_network
from .images import as_batch
from .index import print_report
from .latent import decode, grid_uv

THRESHOLD = 0.9
N_SAMPLES, GRID, PATHS, STEPS = 10_000, 40, 500, 16


@torch.inference_mode()
def judged(judge, images: np.ndarray, batch_size: int = 500) -> dict:
    """The judge's probabilities and features of (N, 28, 28) images."""
    x = as_batch(images)
    probs, feats = [], []
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        probs.append(torch.softmax(judge(xb), 1))
        feats.append(judge.embed(xb))
    return {"probs": torch.cat(probs).numpy(), "features": torch.cat(feats).numpy().astype(np.float64)}


def frechet(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors:
    |m_a - m_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), the trace through the eigenvalues of
    S_a^(1/2) S_b S_a^(1/2) (symmetric, so no general matrix square root is needed)."""
    ma, mb = a.mean(0), b.mean(0)
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(sa)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root @ sb @ root), 0, None)).sum()
    return float(((ma - mb) ** 2).sum() + np.trace(sa) + np.trace(sb) - 2 * cross)


def class_figures(j: dict, real_features: np.ndarray | None = None) -> dict:
    probs = j["probs"]
    share = np.bincount(probs.argmax(1), minlength=10) / len(probs)
    nz = share[share > 0]
    out = {"class_share": [round(float(s), 4) for s in share],
           "entropy_bits": float(-(nz * np.log2(nz)).sum()),
           "confident": float((probs.max(1) >= THRESHOLD).mean())}
    if real_features is not None:
        out["frechet"] = frechet(j["features"], real_features)
    return out


def fitted_gaussian(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return codes.mean(0), np.atleast_2d(np.cov(codes, rowvar=False))


def kl_to_prior(mean: np.ndarray, cov: np.ndarray) -> float:
    """KL(N(mean, cov) || N(0, I)) = 1/2 (tr cov + |mean|^2 - d - log det cov)."""
    d = len(mean)
    sign, logdet = np.linalg.slogdet(cov)
    return float(0.5 * (np.trace(cov) + mean @ mean - d - logdet)) if sign > 0 else math.inf


def interpolation(model, judge, at, rng: np.random.Generator, pairs: int, steps: int) -> dict:
    a = rng.integers(0, len(at.labels), pairs)
    b = np.array([rng.choice(np.flatnonzero(at.labels != at.labels[i])) for i in a])
    t = np.linspace(0, 1, steps, dtype=np.float32)[None, :, None]
    z = (1 - t) * at.mu[a][:, None] + t * at.mu[b][:, None]  # (pairs, steps, D)
    pics = decode(model, z.reshape(-1, at.latent_dim)).reshape(pairs, steps, 784)
    probs = judged(judge, pics)["probs"].reshape(pairs, steps, 10)
    cls = probs.argmax(2)
    jumps = np.abs(np.diff(pics, axis=1)).mean(2)  # mean absolute pixel change per step
    return {"pairs": pairs, "steps": steps,
            "class_changes": float((np.diff(cls, axis=1) != 0).sum(1).mean()),
            "confident": float((probs.max(2) >= THRESHOLD).mean()),
            "step_change_mean": float(jumps.mean()), "step_change_max": float(jumps.max(1).mean())}


def measure(meta: dict, judge, real_features: np.ndarray, n: int = N_SAMPLES, grid: int = GRID,
            pairs: int = PATHS, steps: int = STEPS, seed: int = 0) -> dict:
    """Every measure of one model (see the module's docstring)."""
    model, at = load_model(meta["path"]), open_atlas(meta["path"])
    rng = np.random.default_rng(seed)
    d = at.latent_dim
    prior = rng.standard_normal((n, d)).astype(np.float32)
    mean, cov = fitted_gaussian(at.mu.astype(np.float64))
    fitted = rng.multivariate_normal(mean, cov, n).astype(np.float32)
    spread = np.abs(at.mu)
    return {
        "name": meta["name"], "kind": meta["kind"], "latent_dim": d,
        "prior": class_figures(judged(judge, decode(model, prior)), real_features),
        "fitted": class_figures(judged(judge, decode(model, fitted)), real_features),
        "grid": {"n": grid, **class_figures(judged(judge, decode(
            model, at.plane.to_latent(grid_uv(at.bounds, grid)))))},
        "codes": {"abs_p99": float(np.quantile(spread, 0.99)),
                  "rms": float(np.sqrt((at.mu ** 2).mean())),
                  "kl_fitted_to_prior": kl_to_prior(mean, cov)},
        "interpolation": interpolation(model, judge, at, rng, pairs, steps),
    }


def prior_samples(meta: dict, judge, real_features: np.ndarray, n: int = N_SAMPLES,
                  seed: int = 0) -> dict:
    """What z ~ N(0, I) decodes to through one model, judged; and where its test codes sit."""
    model, at = load_model(meta["path"]), open_atlas(meta["path"])
    z = np.random.default_rng(seed).standard_normal((n, at.latent_dim)).astype(np.float32)
    mean, cov = fitted_gaussian(at.mu.astype(np.float64))
    return {"name": meta["name"], "prior": class_figures(judged(judge, decode(model, z)), real_features),
            "codes": {"abs_p99": float(np.quantile(np.abs(at.mu), 0.99)),
                      "kl_fitted_to_prior": kl_to_prior(mean, cov)}}


def report(folder, dataset: str = "mnist", root=None, seed: int = 0) -> dict:
    good, _ = list_checkpoints(folder)
    judge_meta = next(m for m in good if is_judge(m) and m["dataset"] == dataset)
    judge = load_model(judge_meta["path"])
    x, _ = load_split(dataset, train=False, root=root)
    real = judged(judge, x[:, 0].numpy())["features"]
    half = len(real) // 2
    out = {"dataset": dataset, "judge": judge_meta["name"], "seed": seed, "threshold": THRESHOLD,
           "command": "python -m vae_core.recipes contrast", "n_samples": N_SAMPLES,
           "max_bits": math.log2(10), "grid": GRID, "paths": PATHS, "steps": STEPS,
           "real_frechet_floor": frechet(real[:half], real[half:]), "pairs": {}}

    def plain(m):
        t = m.get("train") or {}
        return t.get("noise", "none") == "none" and (
            plain_ae(m) or (t.get("loss", "elbo") == "elbo" and m["beta"] == 1.0))

    for vae in [m for m in good if plain_vae(m) and m["dataset"] == dataset and plain(m)]:
        twin = next((m for m in good if plain_ae(m) and m["dataset"] == dataset and plain(m)
                     and same_network(m["config"], vae["config"])), None)
        if twin is None:
            continue
        out["pairs"][str(vae["latent_dim"])] = {
            m["kind"]: measure(m, judge, real, seed=seed) for m in (vae, twin)}
    # the loss-term ablations: the plain 2-D VAE's network with another loss (or β)
    base = next((m for m in good if plain_vae(m) and m["dataset"] == dataset and plain(m)
                 and m["latent_dim"] == 2), None)
    out["ablations"] = {m["name"]: prior_samples(m, judge, real, seed=seed) for m in good
                        if base and plain_vae(m) and m["config"] == base["config"]
                        and m["dataset"] == dataset and not plain(m)
                        and (m.get("train") or {}).get("noise", "none") == "none"}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.contrast", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", nargs="?", default="checkpoints")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-root", default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = p.parse_args(argv)
    try:
        out = report(args.folder, args.dataset, args.data_root)
    except (RuntimeError, ValueError, StopIteration) as e:
        print(f"error: {e!r}", file=sys.stderr)
        return 2
    print_report(out, args.json, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
