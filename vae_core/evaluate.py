"""Test-set figures: Monte Carlo -ELBO and its parts, an importance-weighted bound, accuracy.

    python -m vae_core.evaluate checkpoints/mnist_vae_2d.safetensors --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

from .checkpoint import load_model, read_metadata
from .data import load_split, subset
from .families import of
from .losses import classifier_loss, log_normal, reconstruction_nll


def _batches(x, batch_size, y=None):
    """Batches of x, each with its labels (None where y is None)."""
    for i in range(0, len(x), batch_size):
        yield x[i : i + batch_size], None if y is None else y[i : i + batch_size]


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) of each latent coordinate: 1/2 (mu^2 + sigma^2 - 1 -
    log sigma^2) (Kingma & Welling 2014, Appendix B); they sum to the image's KL."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)


@torch.inference_mode()
def elbo_terms(model, x, samples: int = 10, generator: torch.Generator | None = None, y=None) -> dict:
    """The ELBO's two terms for each image of a batch x, in nats: the reconstruction term
    -log p(x|z), the Bernoulli log-likelihood summed over the 784 pixels, averaged over
    `samples` draws z = mu + sigma * eps; and the KL to the prior, per latent dimension.
    Also mu and sigma. The evaluation CLI's figures are averages of these. A conditional model
    is evaluated given the labels y."""
    fam = of(model)
    mu, logvar = fam.encode(model, x, y)
    recon = torch.zeros(len(x), dtype=torch.float64)
    for _ in range(samples):
        eps = torch.randn(mu.shape, generator=generator)
        z = model.reparameterize(mu, logvar, eps)
        recon += reconstruction_nll(fam.decode_logits(model, z, y, x), x).double() / samples
    kl = kl_per_dimension(mu, logvar)
    return {"recon": recon.numpy(), "kl_dims": kl.numpy(), "kl": kl.double().sum(1).numpy(),
            "mu": mu.numpy(), "sigma": torch.exp(0.5 * logvar).numpy()}


@torch.inference_mode()
def evaluate_autoencoder(model, x, samples: int = 10, seed: int = 0, batch_size: int = 1000, y=None):
    """Per-image averages in nats; a stochastic model's are Monte Carlo over `samples` draws of z
    (given the labels y for a conditional one)."""
    fam, gen = of(model), torch.Generator().manual_seed(seed)
    recon_sum = kl_sum = 0.0
    for xb, yb in _batches(x, batch_size, y):
        if not fam.stochastic:
            recon_sum += reconstruction_nll(fam.decode_logits(model, fam.encode(model, xb, yb), yb, xb),
                                            xb).sum().item()
            continue
        terms = elbo_terms(model, xb, samples, gen, yb)
        recon_sum += float(terms["recon"].sum())
        kl_sum += float(terms["kl"].sum())
    n = len(x)
    out = {"recon": recon_sum / n, "n_images": n}
    if fam.stochastic:
        out.update(kl=kl_sum / n, neg_elbo=(recon_sum + kl_sum) / n, samples=samples)
    return out


def image_figures(model, x_one, samples: int = 10, seed: int = 0, y=None) -> dict:
    """The ELBO's terms of one image, evaluated alone (what `--index` prints and the posterior
    page shows): recon, kl, neg_elbo, and mu, sigma and KL of every latent dimension."""
    x_one = torch.as_tensor(np.asarray(x_one, np.float32))
    t = elbo_terms(model, x_one.reshape(1, 1, 28, 28), samples,
                   torch.Generator().manual_seed(seed), y)
    return {"recon": float(t["recon"][0]), "kl": float(t["kl"][0]),
            "neg_elbo": float(t["recon"][0] + t["kl"][0]), "samples": samples, "seed": seed,
            "mu": t["mu"][0].tolist(), "sigma": t["sigma"][0].tolist(),
            "kl_dims": t["kl_dims"][0].tolist()}


@torch.inference_mode()
def iwae_bound(model, x, k: int = 100, seed: int = 0, batch_size: int = 100, y=None) -> float:
    """-log p(x) <= -log mean_k p(x|z_k) p(z_k) / q(z_k|x)  (Burda et al. 2016), nats/image;
    for a conditional model, -log p(x|y) given the labels y."""
    fam, gen = of(model), torch.Generator().manual_seed(seed)
    total = 0.0
    for xb, yb in _batches(x, batch_size, y):
        mu, logvar = fam.encode(model, xb, yb)
        eps = torch.randn((k, *mu.shape), generator=gen)
        z = mu + torch.exp(0.5 * logvar) * eps  # (k, B, D)
        xk = xb.repeat(k, 1, 1, 1)
        yk = None if yb is None else yb.repeat(k)
        logits = fam.decode_logits(model, z.reshape(-1, mu.shape[1]), yk, xk)
        log_px_z = -reconstruction_nll(logits, xk).view(k, -1)
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
    """The figures for any kind of model on the given test images (labels y: a classifier's
    targets, a conditional model's condition)."""
    fam = of(model)
    if not fam.latent:
        return evaluate_classifier(model, x, y)
    cond = y if fam.conditional else None
    out = evaluate_autoencoder(model, x, samples=samples, seed=seed, y=cond)
    if fam.stochastic and iw_k > 0:
        out.update(iwae=iwae_bound(model, x, k=iw_k, seed=seed, y=cond), iw_k=iw_k)
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
    p.add_argument("--index", type=int, default=None,
                   help="a VAE: the ELBO's terms of this one test image (as the posterior page)")
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
    if args.index is not None:
        if not of(meta).stochastic or not 0 <= args.index < len(x):
            print(f"error: --index needs a VAE and 0 <= index < {len(x)}", file=sys.stderr)
            return 2
        figures = image_figures(model, x[args.index], args.samples, args.seed, y[args.index : args.index + 1])
        figures["index"] = args.index
    else:
        x, y = subset(x, y, args.limit, seed=args.seed)
        figures = evaluate_model(model, x, y, samples=args.samples, iw_k=args.iw_k,
                                 seed=args.seed)
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
