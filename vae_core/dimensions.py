"""What does each latent dimension mean? The same 10-D VAE (MLP 784-512-256-10, 20 epochs) at
β = 1 and at β = 4, measured dimension by dimension (issue 22):

    python -m vae_core.dimensions --dir checkpoints     # eval/dimensions_mnist.json

For each dimension, on the MNIST test set:
- its KL, averaged over the test images, and whether it is in use (Burda et al.'s active units:
  the variance over the test set of its posterior mean above 0.01);
- the correlation of its posterior mean with each Morpho-MNIST measurement of the test digits;
- what moving it alone does: seeded test digits' codes with that coordinate set to −3 and to +3,
  both decoded and measured (the change of each attribute), and read by the judge (how often
  the two pictures are different digits).

And one number per model for how cleanly dimensions and measured factors pair up: the mutual
information gap (MIG; Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs", §4.1):
for each factor, the mutual information of the best dimension minus that of the second best,
over the factor's entropy, averaged over factors. It is estimated as disentanglement_lib does
(Locatello et al. 2019): the posterior means binned into 20 equal-width bins; the factors here are
measurements, not ground truth, so each is binned into 20 equal-count bins.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import morpho
from . import report as report_args

MODELS = {"study/mnist_vae_10d_mlp": 1.0, "study/mnist_vae_10d_beta4": 4.0}
FACTORS = morpho.ATTRIBUTES  # thickness, slant, width, height, area, length
BINS = 20
ACTIVE = 0.01  # Burda et al. (2016): a unit is active when Var_x E_q[z_j] > 0.01
REACH = 3.0  # a traversal goes from −REACH to +REACH
SAMPLE = 100  # seeded test digits whose codes are traversed


def bin_codes(values: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Each column of values (N, D) into `bins` equal-width bins over its range (0 … bins − 1)."""
    out = np.empty(values.shape, dtype=np.int64)
    for j in range(values.shape[1]):
        edges = np.histogram_bin_edges(values[:, j], bins)
        out[:, j] = np.clip(np.digitize(values[:, j], edges[1:-1]), 0, bins - 1)
    return out


def bin_factor(values: np.ndarray, bins: int = BINS) -> np.ndarray:
    """A measured factor (N,) into `bins` equal-count bins (ties stay together)."""
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]))
    return np.digitize(values, edges)


def entropy(a: np.ndarray) -> float:
    """Of a discrete variable, in nats."""
    p = np.bincount(a) / len(a)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def mutual_information(a: np.ndarray, b: np.ndarray) -> float:
    """Of two discrete variables (non-negative integers), in nats, from their joint histogram."""
    joint = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(joint, (a, b), 1.0)
    joint /= len(a)
    pa, pb = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    nz = joint > 0
    return float((joint[nz] * np.log(joint[nz] / (pa @ pb)[nz])).sum())


def mig(codes: np.ndarray, factors: dict[str, np.ndarray], bins: int = BINS) -> dict:
    """The mutual information gap of codes (N, D) over named factors, each (N,) discrete or
    continuous (continuous ones are binned by `bin_factor`): for each factor, the normalized
    mutual information I(z_j; v) / H(v) of every dimension and the gap between the two largest;
    `mig` is the mean gap."""
    binned = bin_codes(codes, bins)
    out = {"mi": {}, "gap": {}, "best": {}}
    for name, v in factors.items():
        v = np.asarray(v)
        discrete = np.issubdtype(v.dtype, np.integer) and len(np.unique(v)) <= bins
        v = np.unique(v, return_inverse=True)[1] if discrete else bin_factor(v, bins)
        h = entropy(v)
        mi = np.array([mutual_information(binned[:, j], v) for j in range(codes.shape[1])]) / h
        top = np.sort(mi)[::-1]
        out["mi"][name] = mi.round(4).tolist()
        out["gap"][name] = round(float(top[0] - (top[1] if len(top) > 1 else 0.0)), 4)
        out["best"][name] = int(np.argmax(mi))
    out["mig"] = round(float(np.mean(list(out["gap"].values()))), 4)
    return out


def correlations(codes: np.ndarray, values: np.ndarray, names=FACTORS) -> dict[str, list[float]]:
    """Pearson's r of each dimension's code with each measured attribute (columns of values)."""
    c = (codes - codes.mean(0)) / np.maximum(codes.std(0), 1e-12)
    v = (values - values.mean(0)) / np.maximum(values.std(0), 1e-12)
    r = c.T @ v / len(codes)  # (D, attributes)
    return {a: r[:, i].round(4).tolist() for i, a in enumerate(names)}


def traversal_codes(codes: np.ndarray, dim: int, reach: float = REACH) -> tuple[np.ndarray, np.ndarray]:
    """The codes with coordinate `dim` set to −reach and to +reach."""
    lo, hi = codes.copy(), codes.copy()
    lo[:, dim], hi[:, dim] = -reach, reach
    return lo, hi


def traversal_rows(model, z, order, reach: float = REACH, steps: int = 7) -> np.ndarray:
    """Decoded traversals from the code z: a row of `steps` pictures per dimension, coordinate j
    alone going from −reach to +reach, rows in `order`; (len(order) * steps, 28, 28)."""
    from .latent import decode, traversal

    d = len(z)
    grid = decode(model, traversal(z, [-reach] * d, [reach] * d, steps)).reshape(d, steps, 28, 28)
    return grid[list(order)].reshape(-1, 28, 28)


def traversal_effect(model, judge, codes: np.ndarray, reach: float = REACH) -> dict:
    """For each dimension: the mean measured change of each attribute from −reach to +reach
    (slant in radians, the rest in pixels), and the share of codes whose two pictures the judge
    reads as different digits."""
    from .latent import decode, judge_probabilities

    change = {a: [] for a in FACTORS}
    class_changed = []
    for j in range(codes.shape[1]):
        lo, hi = (decode(model, c.astype(np.float32)) for c in traversal_codes(codes, j, reach))
        m_lo, m_hi = morpho.measure_many(lo), morpho.measure_many(hi)
        for i, a in enumerate(FACTORS):
            change[a].append(round(float(np.mean(m_hi[:, i] - m_lo[:, i])), 4))
        read_lo = judge_probabilities(judge, lo).argmax(1)
        read_hi = judge_probabilities(judge, hi).argmax(1)
        class_changed.append(round(float(np.mean(read_lo != read_hi)), 4))
    return {"sample": len(codes), "reach": reach, "change": change, "class_changed": class_changed}


def measure_model(model, judge, x, measured: dict, sample: int = SAMPLE, seed: int = 0) -> dict:
    """Every figure of one model over the test images x (N, 1, 28, 28) whose Morpho-MNIST
    measurements and labels are `measured` (morpho.load)."""
    from .study import codes as encode_all

    c = encode_all(model, x)
    mu, kl = c["mu"], c["kl_dims"].mean(0)
    variance = mu.var(0)
    factors = {a: measured["values"][:, i] for i, a in enumerate(measured["attributes"])}
    pick = np.sort(np.random.default_rng(seed).choice(len(mu), sample, replace=False))
    return {
        "latent_dim": int(mu.shape[1]),
        "kl": kl.round(4).tolist(), "kl_total": round(float(kl.sum()), 3),
        "variance": variance.round(4).tolist(), "active": (variance > ACTIVE).tolist(),
        "correlation": correlations(mu, measured["values"], measured["attributes"]),
        "mig": mig(mu, factors), "mig_with_digit": mig(mu, {**factors, "digit": measured["labels"]}),
        "traversal": traversal_effect(model, judge, mu[pick]),
    }


def facts(entry: dict, strong: float = 0.5) -> dict:
    """What a page says about one model's figures (an entry of `report`): its dimensions by KL
    (most first), those in use, the dimension tracking each measurement most (by |r|), the used
    dimension that changes the judge's reading least, and the measurements that two or more
    dimensions track with |r| ≥ strong."""
    r = entry["correlation"]
    order = [int(j) for j in np.argsort(entry["kl"])[::-1]]
    used = [j for j in order if entry["active"][j]]
    changed = entry["traversal"]["class_changed"]
    return {"order": order, "used": used,
            "tracks": [max(r, key=lambda a, j=j: abs(r[a][j])) for j in range(len(order))],
            "carrier": {a: int(np.argmax(np.abs(v))) for a, v in r.items()},
            "calm": min(used, key=lambda j: changed[j]) if used else None,
            "shared": {a: [j for j, x in enumerate(v) if abs(x) >= strong] for a, v in r.items()
                       if sum(abs(x) >= strong for x in v) > 1}}


def report(folder, root=None, models=MODELS, sample: int = SAMPLE, progress: bool = True) -> dict:
    from tqdm import tqdm

    from .checkpoint import load_model, read_metadata
    from .study import mnist_test

    folder = Path(folder)
    measured = morpho.load(folder / "atlas" / "mnist_morpho.npz")
    x, y = mnist_test(root)
    if not np.array_equal(measured["labels"], y.numpy()):
        raise ValueError("the measurements do not belong to these test images")
    judge = load_model(folder / "mnist_judge.safetensors")
    out = {"factors": list(FACTORS), "bins": BINS, "active_threshold": ACTIVE, "test_images": len(x),
           "units": "KL in nats; change in pixels, slant in radians", "models": {}}
    for name in tqdm([n for n in models if (folder / f"{n}.safetensors").is_file()], desc="dimensions",
                     disable=not progress, file=sys.stderr):
        path = folder / f"{name}.safetensors"
        entry = measure_model(load_model(path), judge, x, measured, sample=min(sample, len(x)))
        out["models"][name] = {"beta": read_metadata(path)["beta"], **entry}
    return out


def main(argv=None) -> int:
    p = report_args.parser("vae_core.dimensions", __doc__, "dimensions_mnist.json")
    p.add_argument("--sample", type=int, default=SAMPLE, help="seeded test digits traversed")
    args = p.parse_args(argv)
    out = report(args.dir, sample=args.sample, progress=not args.no_progress)
    report_args.write(out, args, "dimensions_mnist.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
