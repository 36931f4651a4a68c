"""The loss lab's pages (Is my loss good?, Sum or mean?, The decoder draws alone, How big
should z be?) say what their
JSON measured, for every option of the page, and convert units as worked by hand."""

import json

import pytest
from helpers import CHECKPOINTS
from test_app import charts, images, open_page, param, said

BOOK = json.loads((CHECKPOINTS / "eval" / "loss_bookkeeping.json").read_text())
SIZES = json.loads((CHECKPOINTS / "eval" / "latent_sizes.json").read_text())
STRONG = json.loads((CHECKPOINTS / "eval" / "strong_decoder.json").read_text())


@pytest.mark.parametrize("unit, value, nats", [("nats per image", 105.0, "105"),
                                               ("nats per pixel", 0.13, "101.9"),  # 0.13 · 784
                                               ("bits per dimension", 0.2, "108.7")])  # 0.2·784·ln 2
def test_is_my_loss_good_converts_a_printed_loss_into_nats_per_image(unit, value, nats):
    at = open_page("loss_units", units_from=unit, units_value=value)
    text = said(at)
    assert f"**{nats} nats per image** = " in text
    assert param(at, "unit") == unit


def test_is_my_loss_good_quotes_the_measured_conventions_likelihoods_and_literature():
    text = said(open_page("loss_units"))
    ref = BOOK["runs"]["reference"]["test"]
    assert f"−ELBO {ref['neg_elbo']:.2f} nats per image" in text
    assert f"**{BOOK['likelihoods']['continuous_bernoulli']:.1f}** nats per image instead of " \
           f"{BOOK['likelihoods']['bernoulli']:.1f}" in text
    b = BOOK["binarized"]
    k = max(b["iw"], key=int)
    assert f"−log p(x) ≤ **{b['iw'][k]:.2f}**" in text and f"after {b['burda_epochs']:,} epochs" in text
    assert f"for {b['epochs']} epochs" in text and f"{b['active_units']} of {b['latent_dim']} units" in text
    ignoring = BOOK["runs"]["mean"]["test"]["neg_elbo"]
    assert f"ignores its input entirely scores {ignoring:.1f}" in text
    two = json.loads((CHECKPOINTS / "eval" / "mnist_vae_2d.json").read_text())["test"]["neg_elbo"]
    assert f"the 2-D VAE {two:.1f}" in text


@pytest.mark.parametrize("run", ["mean", "warmup", "freebits"])
def test_sum_or_mean_shows_both_models_and_quotes_each_runs_measures(run):
    at = open_page("collapse", collapse_run=run)
    text = said(at)
    for r in (BOOK["runs"]["reference"], BOOK["runs"][run]):
        assert f"test −ELBO **{r['test']['neg_elbo']:.1f}**" in text
        assert f"**{r['active_units']} of {r['latent_dim']}** units active" in text
    assert len(images(at)) == 4  # prior samples and reconstructions, both models
    assert len(charts(at)) == 2  # KL per dimension; active units along the runs
    mean = BOOK["runs"]["mean"]
    assert "the summed loss at β = 784" in text and f"{mean['active_units']} active units" in text
    assert mean["test"]["kl"] < 0.01 and mean["active_units"] == 0  # the collapse the page shows
    assert BOOK["runs"]["freebits"]["active_units"] > 0  # and a cure
    assert param(at, "run") == run


@pytest.mark.parametrize("run", ["ar", "warmup", "freebits"])
def test_when_the_decoder_draws_alone_shows_both_models_and_quotes_each_runs_measures(run):
    at = open_page("strong_decoder", strong_run=run)
    text = said(at)
    runs = STRONG["runs"]
    for r in (runs["reference"], runs[run]):
        assert f"test −ELBO **{r['test']['neg_elbo']:.1f}**" in text
        assert f"**{r['active_units']} of {r['latent_dim']}** units active" in text
        assert f"**{r['recon_accuracy']:.0%}** of the reconstructions" in text
    assert len(images(at)) == 4  # prior samples and reconstructions, both models
    assert len(charts(at)) == 2  # KL per dimension; the KL along the runs
    ar, ref = runs["ar"]["test"], runs["reference"]["test"]
    # what the page says of the autoregressive decoder holds of the measured runs
    assert ar["neg_elbo"] < ref["neg_elbo"] and ar["kl"] < ref["kl"] / 2 and ar["kl"] > 0.1  # partial
    assert runs["ar"]["recon_accuracy"] < runs["reference"]["recon_accuracy"] - 0.2  # what went
    assert f"{ar['neg_elbo']:.1f} nats against the 16-D VAE's {ref['neg_elbo']:.1f}" in text
    assert f"{ar['kl'] / ref['kl']:.0%} as much" in text
    assert f"the judge reads {runs['ar']['recon_accuracy']:.0%} of them" in text
    replay = [p for p in runs["ar"]["replay"] if p["t"] >= 1]
    assert replay[0]["kl"] > replay[-1]["kl"]  # the code's KL fell as the decoder learned
    first, last = replay[0]["kl"], replay[-1]["kl"]
    assert f"({first:.1f} nats after the first epoch, {last:.1f} after the last)" in text
    remedies = [runs["warmup"]["test"], runs["freebits"]["test"]]
    keeps = all(r["kl"] > ar["kl"] and r["neg_elbo"] > ar["neg_elbo"] for r in remedies)
    assert ("Each keeps more in the code, at a slightly worse −ELBO." in text) == keeps
    assert param(at, "run") == run


def test_the_autoregressive_decoders_elbo_is_the_best_of_any_model_in_the_app():
    from vae_core import list_checkpoints

    metas = [*list_checkpoints(CHECKPOINTS)[0], *list_checkpoints(CHECKPOINTS / "study")[0]]
    bounds = {m["name"]: m["test"]["neg_elbo"] for m in metas if "neg_elbo" in (m.get("test") or {})}
    assert min(bounds, key=bounds.get) == STRONG["runs"]["ar"]["name"]  # "the best −ELBO of any model"


def test_how_big_should_z_be_says_what_its_curves_measured():
    at = open_page("latent_size")
    text = said(at)
    rows = SIZES["sizes"]
    assert [r["latent_dim"] for r in rows] == [2, 5, 10, 20, 50]
    active = ", ".join(f"{r['active_units']} of {r['latent_dim']}" for r in rows)
    assert active in text or all(r["active_units"] == r["latent_dim"] for r in rows)
    k = str(max(SIZES["ks"]))
    best = min(rows, key=lambda r: r["iw"][k])
    assert f"{best['iw'][k]:.1f} at z = {best['latent_dim']}" in text
    fd = min(rows, key=lambda r: r["prior"]["frechet"])
    assert f"{fd['prior']['frechet']:.1f}) at z = {fd['latent_dim']}" in text
    assert len(charts(at)) == 4 and len(images(at)) == 6
    for r in rows:  # every bound tightens with k on the same images
        values = [r["iw"][str(k)] for k in SIZES["ks"]]
        assert values == sorted(values, reverse=True), (r["latent_dim"], values)


@pytest.mark.parametrize("name", ["mnist_vae_2d", "mnist_vae_16d", "mnist_vae_2d_kl_only"])
def test_is_my_loss_good_counts_the_active_units_of_the_sidebars_model(name):
    from vae_core.atlas import open_atlas
    from vae_core.bookkeeping import active_units

    at = open_page("loss_units")
    at.sidebar.selectbox(key="model@loss_units").set_value(name).run()
    n = active_units(open_atlas(CHECKPOINTS / f"{name}.safetensors").mu)[0]
    dim = 16 if "16d" in name else 2
    assert f"uses **{n} of {dim}** latent units" in said(at)
    assert ("its posterior has collapsed" in said(at)) == (n == 0)
