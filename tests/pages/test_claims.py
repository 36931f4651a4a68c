"""What a page says matches what it shows and what its JSON measured, for every option of the
page (a sentence written for the 2-D pair once stood beside the 16-D pair's numbers)."""

import json

import pytest
from helpers import CHECKPOINTS
from test_app import images, open_page, param, said

from vae_core import latent, read_metadata
from vae_core.atlas import open_atlas

CONTRAST = json.loads((CHECKPOINTS / "eval" / "contrast_mnist.json").read_text())


text = said


@pytest.mark.parametrize("model, dim", [("mnist_vae_2d", "2"), ("mnist_ae_2d", "2"),
                                        ("mnist_vae_16d", "16"), ("mnist_ae_16d", "16")])
def test_interpolate_quotes_the_measured_paths_of_its_pair(model, dim):
    at = open_page("interpolate")
    at.sidebar.selectbox(key="model@interpolate").set_value(model).run()
    v, a = (CONTRAST["pairs"][dim][k]["interpolation"] for k in ("vae", "ae"))
    said = text(at)
    assert f"({dim}-D pair)" in said and "crosses gaps where the decoder was never trained" not in said
    assert f"changes {v['class_changes']:.1f} times along the VAE's paths against " \
           f"{a['class_changes']:.1f} along the autoencoder's" in said
    assert f"{v['confident']:.0%} of the VAE's steps and {a['confident']:.0%}" in said
    if a["confident"] >= v["confident"] - 0.05:
        assert "stay on digits as well as the VAE's" in said


def test_interpolate_makes_no_measured_claim_for_a_model_outside_the_pairs():
    at = open_page("interpolate")
    at.sidebar.selectbox(key="model@interpolate").set_value("mnist_vae_2d_beta4").run()
    assert not at.exception and "Measured over" not in text(at)


@pytest.mark.parametrize("dim", ["2", "16"])
def test_autoencoder_vs_vae_says_where_the_codes_sit_for_each_pair(dim):
    at = open_page("ae_vs_vae")
    at.radio(key="contrast_pair").set_value(dim).run()
    cv, ca = (CONTRAST["pairs"][dim][k]["codes"] for k in ("vae", "ae"))
    said = text(at)
    assert f"**{cv['kl_fitted_to_prior']:.2f} nats** from N(0, I)" in said
    assert f"**{ca['kl_fitted_to_prior']:.0f} nats** away" in said
    assert ("almost the prior itself" in said) == (cv["kl_fitted_to_prior"] < 0.5)
    assert "keeps the VAE's codes where the prior is" not in said


@pytest.mark.parametrize("dataset, name", [("mnist", "mnist_ae_2d"), ("fashion-mnist", "fashion_ae_2d")])
def test_the_manifold_says_how_much_of_an_autoencoders_codes_its_gaussian_grid_holds(dataset, name):
    at = open_page("manifold", dataset)
    at.sidebar.selectbox(key="model@manifold").set_value(name).run()
    at.slider(key="manifold_size").set_value(15).run()
    share = latent.share_inside(open_atlas(CHECKPOINTS / f"{name}.safetensors").uv,
                                latent.gaussian_grid_uv(15))
    said = text(at)
    assert f"holds {share:.0%} of its test codes" in said
    assert "falls outside the codes" not in said
    at.radio(key="manifold_grid").set_value("linear").run()  # even steps: no such sentence
    assert "of its test codes" not in text(at)


def test_your_digit_says_the_judge_read_the_input():
    at = open_page("your_digit")
    assert not at.exception
    assert "The judge reads: " not in text(at)


def test_posterior_resample_draws_new_samples_each_press():
    at = open_page("posterior")
    seeds, pictures = [], []
    for _ in range(3):
        at.button[0].click().run()  # "Resample ε"
        seeds.append(at.session_state["post_seed"])
        pictures.append(next(i for i in images(at) if "samples z" in i))
    assert seeds == [1, 2, 3] and param(at, "seed") == "3" and len(set(pictures)) == 3


@pytest.mark.parametrize("key, state", [("posterior", "post_digit"), ("denoising", "noise_digit")])
def test_a_test_image_is_named_image_in_links_and_old_digit_links_still_open_it(key, state):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from ui.registry import by_key

    for name in ("image", "digit"):  # `digit=` was a test-image index too, and read as a class
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params[name] = "7"
        at.switch_page(by_key(key).file).run()
        assert not at.exception and at.session_state[state] == 7
        assert param(at, "image") == "7" and "digit" not in at.query_params


def test_loss_terms_compare_like_with_like_and_quote_what_was_measured():
    evaluated = {n: json.loads((CHECKPOINTS / "eval" / f"{n}.json").read_text())
                 for n in ("mnist_vae_2d", "mnist_vae_2d_recon_only", "mnist_vae_2d_kl_only",
                           "mnist_vae_2d_beta0.5", "mnist_vae_2d_beta4")}
    epochs = {n: read_metadata(CHECKPOINTS / f"{n}.safetensors")["epochs"] for n in evaluated}
    assert len(set(epochs.values())) == 1, epochs  # the same recipe: only the loss differs
    at = open_page("loss_terms")
    said_ = text(at)
    assert f"{epochs['mnist_vae_2d']} epochs each" in said_
    rec = CONTRAST["ablations"]["mnist_vae_2d_recon_only"]["prior"]
    assert f"reads {rec['confident']:.0%} of {CONTRAST['n_samples']:,} such samples" in said_
    assert "mostly lands where no training image was" not in said_
    codes = CONTRAST["ablations"]["mnist_vae_2d_recon_only"]["codes"]
    assert f"99% of them within ±{codes['abs_p99']:.0f}" in said_
    kl_only = CONTRAST["ablations"]["mnist_vae_2d_kl_only"]["codes"]
    assert f"every μ lies within ±{kl_only['abs_p99']:.0e} of 0" in said_
    betas = ("mnist_vae_2d_beta0.5", "mnist_vae_2d", "mnist_vae_2d_beta4")
    kls, recons = ([evaluated[n]["test"][k] for n in betas] for k in ("kl", "recon"))
    assert "the KL goes " + " → ".join(f"{v:.1f}" for v in kls) in said_
    steady = kls == sorted(kls, reverse=True) and recons == sorted(recons)
    assert ("a larger β buys a tighter fit" in said_) == steady
