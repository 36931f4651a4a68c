"""One home for each model family (vae_core.families): the registry, the conditional VAE it
added, and a reading of the code that keeps every other module from branching on a kind string."""

import re
from pathlib import Path

import pytest
import torch

from vae_core import families, load_model
from vae_core.checkpoint import read_metadata, save_model
from vae_core.config import AutoencoderConfig, ClassifierConfig
from vae_core.evaluate import evaluate_model
from vae_core.models import CVAE

REPO = Path(__file__).resolve().parents[2]
HOMES = {"vae_core/families.py", "vae_core/models.py"}  # where a kind may be spelled out
LITERAL = "|".join(families.KINDS)
BRANCH = re.compile(  # kind == "vae", meta["kind"] in ("vae", "ae"), "vae" != m.get("kind"), ...
    rf"""((?<!for )\bkind\b["']?\]?|\.kind\b|get\(["']kind["']\))"""
    rf"""\s*(==|!=|\bnot in\b|\bin\b)\s*[(\[{{]?\s*["']({LITERAL})["']"""
    rf"""|["']({LITERAL})["']\s*(==|!=)\s*\S*kind|kinds\s*=\s*[(\[{{]\s*["']({LITERAL})["']"""
    rf"""|\{{\s*["']({LITERAL})["']\s*:\s*\w+\s*,\s*["']({LITERAL})["']\s*:""")


def sources():
    for folder in ("vae_core", "ui", "pages", "benchmarks"):
        yield from sorted((REPO / folder).rglob("*.py"))
    yield REPO / "app.py"


def test_the_branch_finder_finds_the_branches_it_is_for():
    for code in ('if model.kind == "vae":', 'meta["kind"] in ("vae", "ae")',
                 "m.get('kind') != 'classifier'", 'models(d, kinds=("vae",))',
                 '{"vae": VAE, "ae": AE}[config.kind]', '"cvae" == meta["kind"]'):
        assert BRANCH.search(code), code
    for code in ('family("vae")', 'for kind in ("vae", "ae"):', 'noise_kind == "gaussian"'):
        assert not BRANCH.search(code), code


def test_no_module_outside_the_families_branches_on_the_kind_string():
    found = [f"{p.relative_to(REPO)}:{i}: {line.strip()}" for p in sources()
             if str(p.relative_to(REPO)) not in HOMES
             for i, line in enumerate(p.read_text().splitlines(), 1) if BRANCH.search(line)]
    assert not found, "\n".join(found)


def test_the_registry_knows_each_family_by_model_metadata_or_name():
    assert families.KINDS == ("vae", "ae", "cvae", "classifier")
    vae = families.build(AutoencoderConfig(kind="vae", hidden=(8,)))
    assert families.of(vae) is families.of({"kind": "vae"}) is families.family("vae")
    assert families.of("cvae").conditional and families.of("cvae").stochastic
    assert not families.of("ae").stochastic and not families.of("classifier").latent
    assert families.kinds(latent=True, conditional=False) == ("vae", "ae")
    assert families.plain_vae("vae") and not families.plain_vae("cvae") and families.plain_ae("ae")
    assert families.is_judge(families.build(ClassifierConfig()))
    with pytest.raises(ValueError, match="supported: vae, ae, cvae, classifier"):
        families.family("gan")
    with pytest.raises(ValueError):
        families.build(AutoencoderConfig(kind="classifier"))
    with pytest.raises(ValueError, match="unknown config fields"):
        families.config_from_dict({"kind": "vae", "depth": 3})
    assert families.same_network({"kind": "vae", "latent_dim": 2}, {"kind": "ae", "latent_dim": 2})


def small_cvae(latent_dim=2) -> CVAE:
    torch.manual_seed(0)
    return families.build(AutoencoderConfig(kind="cvae", latent_dim=latent_dim, hidden=(32,)))


def test_a_conditional_vae_encodes_and_decodes_with_the_label():
    m, x, y = small_cvae(3), torch.rand(6, 1, 28, 28), torch.tensor([0, 1, 2, 7, 8, 9])
    mu, logvar = m.encode(x, y)
    assert mu.shape == logvar.shape == (6, 3)
    assert m.decode(mu, y).shape == (6, 1, 28, 28)
    # the same z drawn as two classes: two pictures
    z = torch.zeros(2, 3)
    a, b = m.decode(z, torch.tensor([3, 3])), m.decode(z, torch.tensor([3, 4]))
    assert torch.equal(a[0], b[0]) and not torch.allclose(a[1], b[1])
    parts = m.loss(x, y)
    assert set(parts) >= {"loss", "recon", "kl", "neg_elbo"} and torch.isfinite(parts["loss"])
    parts["loss"].backward()
    assert m.encoder[0].weight.grad[:, 784:].abs().sum() > 0  # the label reaches the encoder
    with pytest.raises(ValueError, match="dense"):
        families.build(AutoencoderConfig(kind="cvae", arch="conv"))


def test_a_conditional_vae_goes_through_a_checkpoint_and_is_evaluated_given_its_labels(tmp_path):
    m = small_cvae().eval()
    path = tmp_path / "c.safetensors"
    save_model(m, path, dataset="mnist", extra={"beta": 1.0})
    back = load_model(path)
    assert read_metadata(path)["kind"] == "cvae" and isinstance(back, CVAE)
    z, y = torch.randn(4, 2), torch.tensor([1, 2, 3, 4])
    assert torch.allclose(back.decode(z, y), m.half().float().decode(z, y), atol=1e-6)
    x = torch.rand(20, 1, 28, 28)
    labels = torch.arange(20) % 10
    got = evaluate_model(back, x, labels, samples=2, iw_k=3)
    assert got["neg_elbo"] == pytest.approx(got["recon"] + got["kl"])
    other = evaluate_model(back, x, (labels + 1) % 10, samples=2)
    assert other["neg_elbo"] != pytest.approx(got["neg_elbo"])  # the labels were used
