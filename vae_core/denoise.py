"""Denoising: how well a model's reconstruction of a corrupted digit recovers the clean one."""

from __future__ import annotations

import numpy as np
import torch

from .families import is_judge, of, plain_vae, same_network
from .images import as_batch
from .index import print_report
from .noise import corrupt_all


@torch.inference_mode()
def reconstruct(model, x) -> np.ndarray:
    """The model's reconstruction (decoded μ, or z for an autoencoder) of images in [0, 1]:
    (N, 28, 28) float32."""
    x = as_batch(x)
    code = model.encode(x)
    return model.decode(code[0] if of(model).stochastic else code)[:, 0].numpy()


def denoising(model, images: np.ndarray, kind: str, strength: float, seed: int = 0) -> dict:
    """How the reconstruction of noisy images compares with the noisy input, by mean absolute
    difference from the clean image. images: (N, 28, 28) in [0, 1]. Returns the two mean errors
    and the share of images whose reconstruction is the closer one."""
    clean = np.asarray(images, np.float32)
    noisy = corrupt_all(torch.from_numpy(clean), kind, strength, seed).numpy()
    recon = reconstruct(model, noisy)
    err_noisy = np.abs(noisy - clean).mean(axis=(1, 2))
    err_recon = np.abs(recon - clean).mean(axis=(1, 2))
    return {"n": len(clean), "noisy": float(err_noisy.mean()), "recon": float(err_recon.mean()),
            "closer": float((err_recon < err_noisy).mean())}


STRENGTHS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def psnr(x: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio of each image against its clean original, in dB (peak 1)."""
    mse = ((np.asarray(x, np.float64) - clean) ** 2).reshape(len(clean), -1).mean(1)
    return 10 * np.log10(1.0 / np.maximum(mse, 1e-10))


def scores(images: np.ndarray, clean: np.ndarray, labels: np.ndarray, judge) -> dict:
    """Mean PSNR, mean absolute error and the judge's accuracy of a set of images."""
    from .latent import judge_probabilities

    probs = judge_probabilities(judge, images)
    return {"psnr": float(psnr(images, clean).mean()),
            "mae": float(np.abs(images - clean).mean()),
            "accuracy": float((probs.argmax(1) == labels).mean())}


def curves(models: dict, judge, x: np.ndarray, labels: np.ndarray, kinds, strengths=STRENGTHS,
           seed: int = 0) -> dict:
    """For every noise kind and strength: the scores of the noisy inputs and of each model's
    reconstruction of them, over all of x ((N, 28, 28) in [0, 1]). The noise of image i is the
    same for every model."""
    from .noise import corrupt_all

    clean = np.asarray(x, np.float32)
    out = {"clean": {name: scores(reconstruct(m, clean), clean, labels, judge)
                     for name, m in models.items()}}
    for kind in kinds:
        rows = {"noisy": [], **{name: [] for name in models}}
        for s in strengths:
            noisy = corrupt_all(torch.from_numpy(clean), kind, s, seed).numpy()
            rows["noisy"].append(scores(noisy, clean, labels, judge))
            for name, m in models.items():
                rows[name].append(scores(reconstruct(m, noisy), clean, labels, judge))
        out[kind] = {who: {k: [r[k] for r in rs] for k in ("psnr", "mae", "accuracy")}
                     for who, rs in rows.items()}
    return out


def example(figures: dict, denoiser: str, trained_up_to: float, kind: str = "gaussian") -> dict:
    """The page's default: within the strengths the denoiser was trained on, the one where its
    reconstructions gain most judge accuracy over the noisy inputs, among those where it still
    reads at least 90% of the digits right (a strength where denoising measurably works)."""
    rows = figures[kind]
    ok = [i for i, s in enumerate(STRENGTHS) if 0 < s <= trained_up_to + 1e-9
          and rows[denoiser]["accuracy"][i] >= 0.9]
    best = max(ok, key=lambda i: rows[denoiser]["accuracy"][i] - rows["noisy"]["accuracy"][i])
    return {"kind": kind, "strength": STRENGTHS[best], "model": denoiser}


def main(argv=None) -> int:
    """python -m vae_core.denoise [folder] --json eval/denoising_mnist.json: the test-set curves
    of the plain and denoising models of a data set (see `curves`)."""
    import argparse
    import sys
    from pathlib import Path

    from .checkpoint import list_checkpoints, load_model
    from .data import raw_test_images
    from .noise import NOISES

    p = argparse.ArgumentParser(prog="python -m vae_core.denoise", description=main.__doc__)
    p.add_argument("folder", nargs="?", default="checkpoints")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-root", default=None)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    good, _ = list_checkpoints(args.folder)
    mine = [m for m in good if m["dataset"] == args.dataset]
    judge = next((m for m in mine if is_judge(m)), None)
    noisy = [m for m in mine if (m.get("train") or {}).get("noise", "none") != "none"]
    plain = [m for m in mine if plain_vae(m) and m not in noisy and m["beta"] == 1.0
             and (m.get("train") or {}).get("loss", "elbo") == "elbo"
             and any(same_network(m["config"], d["config"]) for d in noisy)]
    picked = plain + noisy  # the denoisers, and the plain VAE of the same network
    if judge is None or not picked:
        print("error: needs the data set's judge and its plain / denoising models", file=sys.stderr)
        return 2
    images, labels = raw_test_images(args.dataset, args.data_root)
    figures = curves({m["name"]: load_model(m["path"]) for m in picked}, load_model(judge["path"]),
                     images / np.float32(255), labels.astype(np.int64), NOISES)
    out = {"command": "python -m vae_core.recipes denoise", "dataset": args.dataset,
           "judge": judge["name"], "n_images": len(images), "strengths": list(STRENGTHS),
           "seed": 0, "models": [m["name"] for m in picked], **figures,
           "example": example(figures, [m["name"] for m in noisy if plain_vae(m)][0],
                              max((m["train"]["noise_max"] for m in noisy), default=0.5))}
    print_report(out, args.json, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
