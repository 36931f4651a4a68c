"""The loss-bookkeeping lab's figures (issue 23): the models of checkpoints/study/, measured.

    python -m vae_core.study bookkeeping --dir checkpoints   # eval/loss_bookkeeping.json
    python -m vae_core.study sizes --dir checkpoints         # eval/latent_sizes.json
    python -m vae_core.study strong --dir checkpoints        # eval/strong_decoder.json
    python -m vae_core.study sizes --dir checkpoints --subset 20 --full 200 --ks 1 10  # a quick run

`bookkeeping`: the 16-D VAE trained correctly (reconstruction summed over pixels) beside the same
recipe with the reconstruction averaged over pixels (the tutorials' mistake, i.e. β = 784), and
that run with KL warm-up and with free bits: each one's test −ELBO and terms, the loss it printed,
the KL of every latent dimension, Burda et al.'s active units (also along its replay), how alike
its reconstructions of different digits are; the correct model's loss in every convention and
under a continuous Bernoulli likelihood; and the VAE trained on dynamically binarized MNIST, its
importance-weighted bound up to k = 5,000 beside Burda et al. (2016), Table 1.

`strong`: the second road to collapse, a decoder strong enough to do without z (the 16-D VAE's
encoder and widths with an autoregressive decoder, vae_core.models.ARVAE), alone and with KL
warm-up and free bits, beside the shipped 16-D VAE: each one's test −ELBO and terms, the KL of
every dimension, active units (also along its replay), and how often the judge reads a
reconstruction as the class of the digit it reconstructs.

`sizes`: one MLP trained at latent sizes 2, 5, 10, 20 and 50: test −ELBO; the importance-weighted
bound at k = 1 … 5,000 on one seeded subset of the test set (every k on the same images) and at
k ≤ 100 on all of it; active units; reconstructions judged (accuracy, PSNR); and prior samples
judged (the Fréchet distance to the test images in the judge's features).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import bookkeeping as bk
from . import report as report_args
from .checkpoint import load_model, read_metadata
from .contrast import class_figures, judged
from .data import load_split, subset
from .evaluate import iwae_bound, kl_per_dimension
from .record import load_replay
from .train import binarized

STUDY = "study"
MEAN_RUNS = {"mean": "mnist_vae_16d_mean", "warmup": "mnist_vae_16d_mean_warmup",
             "freebits": "mnist_vae_16d_mean_freebits"}
REFERENCE = "mnist_vae_16d"  # the shipped 16-D VAE: the same recipe, the loss summed
STRONG_RUNS = {"ar": "mnist_vae_16d_ar", "warmup": "mnist_vae_16d_ar_warmup",
               "freebits": "mnist_vae_16d_ar_freebits"}
BINARIZED = "mnist_vae_50d_binarized"
SIZES = (2, 5, 10, 20, 50)
KS = (1, 10, 100, 1000, 5000)
FULL_KS = (1, 10, 100)  # also on the whole test set
SUBSET = 1000  # seeded test images for the k ≥ 1,000 bounds (and the whole curve)
DECODES = 50_000  # decodes per batch of the bound (k = 5,000: 10 images at a time)
# Burda, Grosse & Salakhutdinov (2016), Table 1, MNIST, one stochastic layer of 50 units (two
# deterministic layers of 200 tanh units each side), trained for 3,280 passes; −log p(x) estimated
# with k = 5,000 importance samples on the binarized test set, and active units.
BURDA = [{"model": "VAE", "train_k": 1, "nll": 86.76, "active": 19},
         {"model": "VAE", "train_k": 5, "nll": 86.47, "active": 20},
         {"model": "VAE", "train_k": 50, "nll": 86.35, "active": 20},
         {"model": "IWAE", "train_k": 5, "nll": 85.54, "active": 22},
         {"model": "IWAE", "train_k": 50, "nll": 84.78, "active": 25}]
BURDA_EPOCHS = 3280


def size_name(k: int) -> str:
    return f"mnist_vae_{k}d_mlp"


@torch.inference_mode()
def codes(model, x, batch_size: int = 1000) -> dict:
    """μ, the KL per dimension, and the reconstruction from μ, for every image."""
    mus, kls, recs = [], [], []
    for i in range(0, len(x), batch_size):
        mu, logvar = model.encode(x[i : i + batch_size])
        mus.append(mu)
        kls.append(kl_per_dimension(mu, logvar))
        recs.append(model.decode(mu)[:, 0])
    return {"mu": torch.cat(mus).double().numpy(), "kl_dims": torch.cat(kls).double().numpy(),
            "recon": torch.cat(recs).numpy()}


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of images in [0, 1], averaged over images."""
    mse = ((a.astype(np.float64) - b) ** 2).reshape(len(a), -1).mean(1)
    return float(np.mean(10 * np.log10(1.0 / np.maximum(mse, 1e-10))))


def spread_of_reconstructions(recon: np.ndarray, pairs: int = 2000, seed: int = 0) -> float:
    """The mean pixel distance (root mean square, 0-1 scale) between the reconstructions of
    random pairs of test images: about 0 when every input decodes to the same picture."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(recon), (2, pairs))
    keep = a != b
    d = (recon[a[keep]] - recon[b[keep]]).reshape(keep.sum(), -1)
    return float(np.sqrt((d.astype(np.float64) ** 2).mean(1)).mean())


@torch.inference_mode()
def continuous_bernoulli_nll(model, x, seed: int = 0, batch_size: int = 1000) -> dict:
    """The reconstruction term under the Bernoulli the model was trained with, and under the
    continuous Bernoulli (Loaiza-Ganem & Cunningham 2019) of the same decoder outputs, one draw
    of z per image: nats per image."""
    gen = torch.Generator().manual_seed(seed)
    bern = cb = 0.0
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        mu, logvar = model.encode(xb)
        z = model.reparameterize(mu, logvar, torch.randn(mu.shape, generator=gen))
        logits = model.decode_logits(z).flatten(1).double()
        nll = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, xb.flatten(1).double(), reduction="none").sum(1)
        bern += nll.sum().item()
        cb += (nll - bk.continuous_bernoulli_log_norm(logits).sum(1)).sum().item()
    return {"bernoulli": bern / len(x), "continuous_bernoulli": cb / len(x)}


def iw_curve(model, x, ks=KS, seed: int = 0, progress: bool = True) -> dict:
    """The importance-weighted bound (nats per image) at each k, on the same images."""
    out = {}
    for k in tqdm(ks, desc="k", disable=not progress, file=sys.stderr, leave=False):
        out[str(k)] = iwae_bound(model, x, k=k, seed=seed, batch_size=max(1, DECODES // k))
    return out


def replay_units(path: Path) -> list[dict] | None:
    """Along a training replay: the epoch, the test sample's KL and its active units."""
    if not path.is_file():
        return None
    r = load_replay(path)
    return [{"t": float(t), "kl": float(kl), "active": bk.active_units(mu)[0]}
            for t, kl, mu in zip(r["t"], r["test_kl"], r["mu"], strict=True)]


def mnist_test(dataset_root, limit=None):
    """The MNIST test images in [0, 1] and their labels (a seeded subset of `limit`)."""
    x, y = load_split("mnist", train=False, root=dataset_root)
    x, y = subset(x, y, limit, seed=0)
    return x.float().div(255.0) if x.dtype == torch.uint8 else x, y


def _train_record(meta: dict) -> dict:
    rec = meta.get("train")
    return rec if isinstance(rec, dict) else {}


def one_model(path: Path, x, y, judge=None, real_features=None, prior_n: int = 0) -> dict:
    """The figures every model of the lab gets."""
    meta, model = read_metadata(path), load_model(path)
    c = codes(model, x)
    n_active, variances = bk.active_units(c["mu"])
    history = meta.get("history") or []
    out = {"name": path.stem, "latent_dim": model.latent_dim, "test": meta["test"],
           "train": {k: v for k, v in _train_record(meta).items()
                     if k in ("epochs", "recon_reduction", "warmup", "free_bits", "binarize", "seconds")},
           "printed_loss": history[-1]["loss"] if history else None,
           "kl_dims": c["kl_dims"].mean(0).tolist(), "active_units": n_active,
           "mu_variance": variances.tolist(),
           "reconstruction_spread": spread_of_reconstructions(c["recon"]),
           "psnr": psnr(c["recon"], x[:, 0].numpy())}
    if judge is not None:
        out["recon_accuracy"] = float((judged(judge, c["recon"])["probs"].argmax(1) == y.numpy()).mean())
    if prior_n:
        z = np.random.default_rng(0).standard_normal((prior_n, model.latent_dim)).astype(np.float32)
        with torch.inference_mode():
            samples = torch.cat([model.decode(torch.from_numpy(z[i : i + 1000]))[:, 0]
                                 for i in range(0, prior_n, 1000)]).numpy()
        out["prior"] = class_figures(judged(judge, samples), real_features)
    return out


def bookkeeping_report(folder: Path, root=None, subset_n: int = SUBSET, ks=KS,
                       progress: bool = True) -> dict:
    x, y = mnist_test(root)
    study = folder / STUDY
    runs = {"reference": one_model(folder / f"{REFERENCE}.safetensors", x, y)}
    for key, name in MEAN_RUNS.items():
        runs[key] = one_model(study / f"{name}.safetensors", x, y)
        runs[key]["replay"] = replay_units(study / f"{name}.replay.npz")
    ref = runs["reference"]["test"]
    mean = runs["mean"]
    model = load_model(folder / f"{REFERENCE}.safetensors")
    out = {"pixels": bk.PIXELS, "beta_equivalent": bk.MEAN_OVER_PIXELS_BETA, "runs": runs,
           "conventions": bk.conventions(ref["recon"], ref["kl"]),
           "mean_run_as_summed": {"printed": mean["printed_loss"],
                                  "times_pixels": bk.PIXELS * mean["printed_loss"],
                                  "recon_plus_784_kl": bk.as_summed_beta(mean["test"]["recon"],
                                                                          mean["test"]["kl"])},
           "likelihoods": continuous_bernoulli_nll(model, x)}
    path = study / f"{BINARIZED}.safetensors"
    if path.is_file():
        meta, bin_model = read_metadata(path), load_model(path)
        xb = binarized(x, 0)
        part = subset(xb, y, subset_n, seed=0)[0]
        c = codes(bin_model, xb)
        out["binarized"] = {
            "name": BINARIZED, "test": meta["test"], "epochs": _train_record(meta).get("epochs"),
            "subset": len(part), "iw": iw_curve(bin_model, part, ks, progress=progress),
            "iw_full": iw_curve(bin_model, xb, [k for k in FULL_KS if k in ks], progress=progress),
            "active_units": bk.active_units(c["mu"])[0], "latent_dim": bin_model.latent_dim,
            "burda": BURDA, "burda_epochs": BURDA_EPOCHS}
    return out


def strong_report(folder: Path, root=None, limit: int | None = None) -> dict:
    """The autoregressive-decoder runs and the shipped 16-D VAE, on the test set (or a seeded
    `limit` of it), each reconstruction judged."""
    x, y = mnist_test(root, limit)
    judge = load_model(folder / "mnist_judge.safetensors")
    runs = {"reference": one_model(folder / f"{REFERENCE}.safetensors", x, y, judge)}
    for key, name in tqdm(STRONG_RUNS.items(), desc="runs", file=sys.stderr):
        runs[key] = one_model(folder / STUDY / f"{name}.safetensors", x, y, judge)
        runs[key]["replay"] = replay_units(folder / STUDY / f"{name}.replay.npz")
    return {"n_images": len(x), "runs": runs}


def sizes_report(folder: Path, root=None, subset_n: int = SUBSET, full: int | None = None, ks=KS,
                 prior_n: int = 10_000, progress: bool = True) -> dict:
    x, y = mnist_test(root, full)
    part = subset(x, y, subset_n, seed=0)[0]
    judge = load_model(folder / "mnist_judge.safetensors")
    real = judged(judge, x[:, 0].numpy())["features"]
    out = {"subset": len(part), "full": len(x), "ks": list(ks), "sizes": []}
    for k in tqdm(SIZES, desc="sizes", disable=not progress, file=sys.stderr):
        path = folder / STUDY / f"{size_name(k)}.safetensors"
        row = one_model(path, x, y, judge, real, prior_n)
        model = load_model(path)
        row["iw"] = iw_curve(model, part, ks, progress=progress)
        row["iw_full"] = iw_curve(model, x, [k for k in FULL_KS if k in ks], progress=progress)
        out["sizes"].append(row)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.study", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=("bookkeeping", "sizes", "strong"))
    p.add_argument("--dir", type=Path, default=Path("checkpoints"))
    p.add_argument("--data-root", default=None)
    p.add_argument("--subset", type=int, default=SUBSET, help="seeded test images for every k")
    p.add_argument("--full", type=int, default=None, help="sizes, strong: the test images for k ≤ 100, "
                   "the active units and the judged figures (default: all 10,000)")
    p.add_argument("--ks", type=int, nargs="+", default=list(KS))
    p.add_argument("--prior", type=int, default=10_000, help="sizes: prior samples judged")
    p.add_argument("--json", type=Path, default=None, help="default: <dir>/eval/<action file>")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    if args.action == "bookkeeping":
        out = bookkeeping_report(args.dir, args.data_root, args.subset, args.ks, not args.no_progress)
        default = "loss_bookkeeping.json"
    elif args.action == "strong":
        out = strong_report(args.dir, args.data_root, args.full)
        default = "strong_decoder.json"
    else:
        out = sizes_report(args.dir, args.data_root, args.subset, args.full, args.ks, args.prior,
                           not args.no_progress)
        default = "latent_sizes.json"
    report_args.write(out, args, default)
    return 0


if __name__ == "__main__":
    sys.exit(main())
