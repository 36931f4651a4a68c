"""The engine's figures: training throughput against a bare PyTorch loop, and model quality from
the evaluation CLI's JSON files (`python -m benchmarks.bench train quality`)."""

from __future__ import annotations

import json
import statistics
import time

from .harness import (
    REPO,
)
from .stats import summary


def bench_train(steps: int = 150, repeats: int = 3, batch_size: int = 128) -> dict:
    """Images/s of vae_core.train.fit against a bare loop (same model, batch, optimizer)."""
    import torch

    from vae_core.checkpoint import read_metadata
    from vae_core.config import AutoencoderConfig, TrainConfig
    from vae_core.data import load_split
    from vae_core.families import build_model
    from vae_core.losses import vae_loss
    from vae_core.train import fit, make_step

    x, y = load_split("mnist", train=True)
    x, y = x[: steps * batch_size], y[: steps * batch_size]
    tcfg = TrainConfig(epochs=1, batch_size=batch_size)
    ours, bare = [], []
    for r in range(repeats):
        torch.manual_seed(r)
        model = build_model(AutoencoderConfig())
        t0 = time.perf_counter()
        fit(model, make_step(model, tcfg), x, y, tcfg, progress=False)
        ours.append(len(x) / (time.perf_counter() - t0))

        torch.manual_seed(r)
        model = build_model(AutoencoderConfig()).train()
        opt = torch.optim.Adam(model.parameters(), lr=tcfg.lr, fused=True)
        flush = torch.set_flush_denormal(True)
        t0 = time.perf_counter()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), batch_size):
            xb = x[perm[i : i + batch_size]]
            logits, mu, logvar = model(xb)
            loss = vae_loss(logits, xb, mu, logvar)["loss"]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        bare.append(len(x) / (time.perf_counter() - t0))
        if flush:
            torch.set_flush_denormal(False)
    meta = read_metadata(REPO / "checkpoints" / "mnist_vae_2d.safetensors")
    train = meta.get("train", {})
    return {"train_images_per_s": summary(ours), "bare_loop_images_per_s": summary(bare),
            "train_throughput_ratio": statistics.median([a / b for a, b in zip(ours, bare)]),
            "steps_per_run": steps, "batch_size": batch_size,
            "shipped_2d": {"epochs": meta.get("epochs"), "train_seconds": train.get("seconds"),
                           "test_neg_elbo": (meta.get("test") or {}).get("neg_elbo")}}


def bench_quality() -> dict:
    """Model quality from the evaluation CLI's JSON files, plus the gap-map shares."""
    from vae_core.atlas import load_atlas
    from vae_core.checkpoint import list_checkpoints, load_model
    from vae_core.latent import bounds_of, gap_map, plane_for

    folder = REPO / "checkpoints"
    out: dict = {"models": {}, "gap_map": {}, "anomaly": {}}
    good, _ = list_checkpoints(folder)
    for meta in good:
        f = folder / "eval" / f"{meta['name']}.json"
        if f.is_file():
            test = json.loads(f.read_text())["test"]
            out["models"][meta["name"]] = {k: test[k] for k in ("neg_elbo", "recon", "kl", "iwae",
                                                                "accuracy") if k in test}
    for prefix in ("mnist", "fashion"):
        judge = folder / f"{prefix}_judge.safetensors"
        for kind in ("vae", "ae"):
            path = folder / f"{prefix}_{kind}_2d.safetensors"
            if not (path.is_file() and judge.is_file()):
                continue
            mu = load_atlas(path)["mu"]
            plane = plane_for(mu)
            g = gap_map(load_model(path), load_model(judge), plane, bounds_of(plane.to_plane(mu)))
            out["gap_map"][f"{prefix}_{kind}_2d"] = g["confident_fraction"]
    for f in sorted((folder / "eval").glob("anomaly_*.json")):
        doc = json.loads(f.read_text())
        out["anomaly"][doc["checkpoint"].removesuffix(".safetensors")] = {
            k: v["roc_auc"] for k, v in doc.items() if isinstance(v, dict) and "roc_auc" in v}
    return out
