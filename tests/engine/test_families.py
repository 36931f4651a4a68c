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
from vae_core.models import ARVAE, CVAE

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
    assert families.KINDS == ("vae", "ae", "cvae", "arvae", "classifier")
    vae = families.build(AutoencoderConfig(kind="vae", hidden=(8,)))
    assert families.of(vae) is families.of({"kind": "vae"}) is families.family("vae")
    assert families.of("cvae").conditional and families.of("cvae").stochastic
    assert not families.of("ae").stochastic and not families.of("classifier").latent
    assert families.kinds(latent=True, conditional=False) == ("vae", "ae", "arvae")
    assert families.kinds(pages="latent") == ("vae", "ae")  # what the pickers offer
    assert families.plain_vae("vae") and not families.plain_vae("cvae") and families.plain_ae("ae")
    assert families.is_judge(families.build(ClassifierConfig()))
    with pytest.raises(ValueError, match="supported: vae, ae, cvae, arvae, classifier"):
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


def small_arvae() -> ARVAE:
    torch.manual_seed(0)
    m = families.build(AutoencoderConfig(kind="arvae", latent_dim=3, hidden=(48, 40)))
    with torch.no_grad():  # away from the initial weights, so that every connection counts
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return m


@pytest.mark.parametrize("pixel", [0, 1, 27, 28, 400, 783])
def test_the_autoregressive_decoder_scores_each_pixel_from_z_and_the_pixels_before_it(pixel):
    m = small_arvae()
    x, z = torch.rand(1, 1, 28, 28, requires_grad=True), torch.randn(1, 3, requires_grad=True)
    logit = m.decode_logits(z, x).flatten()[pixel]
    gx, gz = torch.autograd.grad(logit, (x, z))
    seen = (gx.flatten() != 0).nonzero().flatten().tolist()
    assert seen == list(range(pixel))  # every pixel before it (direct connections), none after
    assert (gz != 0).all()  # and the code


def test_the_autoregressive_decoder_draws_what_it_scores_seeded_and_is_evaluated_with_the_image(tmp_path):
    m = small_arvae().eval()
    z = torch.randn(5, 3)
    drawn = m.decode(z, seed=3)
    assert drawn.shape == (5, 1, 28, 28) and torch.equal(drawn, m.decode(z, seed=3))
    assert not torch.equal(drawn, m.decode(z, seed=4))
    # the probabilities it drew with are the teacher-forced ones of the pixels it drew
    gen, pixels = torch.Generator().manual_seed(3), torch.zeros(5, 784)
    for i in range(784):
        pixels[:, i] = torch.bernoulli(drawn.flatten(1)[:, i], generator=gen)
    assert torch.allclose(torch.sigmoid(m.decode_logits(z, pixels)).flatten(1), drawn.flatten(1), atol=1e-5)
    # through a checkpoint, and evaluated as any VAE (its likelihood needs the image)
    path = tmp_path / "ar.safetensors"
    save_model(m, path, dataset="mnist", extra={"beta": 1.0})
    back = load_model(path)
    assert isinstance(back, ARVAE) and families.of(back).autoregressive
    x = torch.rand(12, 1, 28, 28)
    got = evaluate_model(back, x, None, samples=2, iw_k=4)
    assert got["neg_elbo"] == pytest.approx(got["recon"] + got["kl"])
    assert got["iwae"] <= got["neg_elbo"] + 1.0  # the bound at k = 4 is no looser than the ELBO's
    with pytest.raises(ValueError, match="dense"):
        families.build(AutoencoderConfig(kind="arvae", arch="conv"))
