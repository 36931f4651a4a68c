"""Test-set figures: Monte Carlo -ELBO and its parts, an importance-weighted bound, accuracy.

    python -m vae_core.evaluate checkpoints/mnist_vae_2d.safetensors --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import torch

from .checkpoint import load_model, read_metadata
from .data import load_split, subset
from .losses import classifier_loss, kl_to_standard_normal, log_normal, reconstruction_nll


def _batches(x, batch_size):
    for i in range(0, len(x), batch_size):
        yield x[i : i + batch_size]


@torch.inference_mode()
def evaluate_autoencoder(model, x, samples: int = 10, seed: int = 0, batch_size: int = 1000):
    """Per-image averages in nats; the VAE's are Monte Carlo over `samples` draws of z."""
    gen = torch.Generator().manual_seed(seed)
    recon_sum = kl_sum = 0.0
    for xb in _batches(x, batch_size):
        if model.kind == "ae":
            recon_sum += reconstruction_nll(model.decode_logits(model.encode(xb)), xb).sum().item()
            continue
        mu, logvar = model.encode(xb)
        kl_sum += kl_to_standard_normal(mu, logvar).sum().item()
        for _ in range(samples):
            eps = torch.randn(mu.shape, generator=gen)
            z = model.reparameterize(mu, logvar, eps)
            recon_sum += reconstruction_nll(model.decode_logits(z), xb).sum().item() / samples
    n = len(x)
    out = {"recon": recon_sum / n, "n_images": n}
    if model.kind == "vae":
        out.update(kl=kl_sum / n, neg_elbo=(recon_sum + kl_sum) / n, samples=samples)
    return out


@torch.inference_mode()
def iwae_bound(model, x, k: int = 100, seed: int = 0, batch_size: int = 100) -> float:
    """-log p(x) <= -log mean_k p(x|z_k) p(z_k) / q(z_k|x)  (Burda et al. 2016), nats/image."""
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    for xb in _batches(x, batch_size):
        mu, logvar = model.encode(xb)
        eps = torch.randn((k, *mu.shape), generator=gen)
        z = mu + torch.exp(0.5 * logvar) * eps  # (k, B, D)
        logits = model.decode_logits(z.reshape(-1, mu.shape[1]))
        log_px_z = -reconstruction_nll(logits, xb.repeat(k, 1, 1, 1)).view(k, -1)
        log_pz = log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
        # log q(z|x) from eps itself: (z - mu)^2 / sigma^2 would be 0 * inf for a tiny sigma
        log_qz = -0.5 * torch.sum(math.log(2 * math.pi) + logvar + eps.pow(2), dim=-1)
        log_w = log_px_z + log_pz - log_qz
        total -= (torch.logsumexp(log_w, 0) - math.log(k)).sum().item()
    return total / len(x)


@torch.inference_mode()
def evaluate_classifier(model, x, y, batch_size: int = 1000) -> dict:
    loss_sum = correct = 0.0
    for i in range(0, len(x), batch_size):
        parts = classifier_loss(model(x[i : i + batch_size]), y[i : i + batch_size])
        n = len(x[i : i + batch_size])
        loss_sum += parts["loss"].item() * n
        correct += parts["accuracy"].item() * n
    return {"accuracy": correct / len(x), "nll": loss_sum / len(x), "n_images": len(x)}


def evaluate_model(model, x, y, samples: int = 10, iw_k: int = 0, seed: int = 0) -> dict:
    """The figures for any kind of model on the given test images."""
    if model.kind == "classifier":
        return evaluate_classifier(model, x, y)
    out = evaluate_autoencoder(model, x, samples=samples, seed=seed)
    if model.kind == "vae" and iw_k > 0:
        out.update(iwae=iwae_bound(model, x, k=iw_k, seed=seed), iw_k=iw_k)
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m vae_core.evaluate",
        description="Evaluate a checkpoint on its data set's 10,000 test images.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("checkpoint", type=Path)
    p.add_argument("--samples", type=int, default=10, help="Monte Carlo draws of z per image")
    p.add_argument("--iw-k", type=int, default=100, help="importance samples (0 skips the bound)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=None, help="evaluate on a seeded subset")
    p.add_argument("--data-root", default=None, help="default: $LATENT_LAB_DATA or ./data")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        meta = read_metadata(args.checkpoint)
        model = load_model(args.checkpoint)
        x, y = load_split(meta["dataset"], train=False, root=args.data_root)
    except (ValueError, RuntimeError) as e:  # CheckpointError, DataUnavailableError
        print(f"error: {e}", file=sys.stderr)
        return 2
    x, y = subset(x, y, args.limit, seed=args.seed)
    figures = evaluate_model(model, x, y, samples=args.samples, iw_k=args.iw_k, seed=args.seed)
    report = {
        "checkpoint": args.checkpoint.name,
        "kind": meta["kind"],
        "dataset": meta["dataset"],
        "latent_dim": meta["latent_dim"],
        "beta": meta["beta"],
        "seed": args.seed,
        "test": figures,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        if args.json.resolve() == args.checkpoint.resolve():
            print("error: --json would overwrite the checkpoint", file=sys.stderr)
            return 2
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
