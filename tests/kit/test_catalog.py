"""The catalog: models found by role from their metadata, never by file name."""

import math

from ui import catalog


def test_the_pairs_are_twins_of_one_network():
    for dataset in ("mnist", "fashion-mnist"):
        vae, ae = catalog.pair(dataset)
        assert vae["kind"] == "vae" and ae["kind"] == "ae"
        assert catalog.is_plain(vae) and catalog.is_plain(ae)
        assert {k: v for k, v in vae["config"].items() if k != "kind"} == \
               {k: v for k, v in ae["config"].items() if k != "kind"}
        assert catalog.twin(ae)["name"] == vae["name"] and vae["dataset"] == dataset


def test_the_ablations_run_from_reconstruction_only_to_kl_only():
    weights = [w for w, _ in catalog.ablations()]
    assert weights[0] == 0 and math.isinf(weights[-1]) and 1.0 in weights
    assert weights == sorted(weights)
    assert all(m["latent_dim"] == 2 and m["dataset"] == "mnist" for _, m in catalog.ablations())


def test_labels_say_what_a_model_is():
    names = {m["name"]: catalog.label(m) for m in catalog.models()}
    assert names["mnist_vae_2d"] == "VAE, 2-D" and names["mnist_ae_2d"] == "autoencoder, 2-D"
    assert names["mnist_vae_2d_beta4"] == "VAE, 2-D, β = 4"
    assert names["mnist_vae_2d_kl_only"] == "VAE, 2-D, KL only"


def test_a_model_in_a_sentence_is_the_shipped_one_or_yours():
    assert catalog.the(catalog.by_name("mnist_vae_2d")) == "the VAE, 2-D"
    yours = {"kind": "vae", "beta": 1.0, "session": True, "epochs": 3.0, "latent_dim": 2,
             "train": {"loss": "elbo", "noise": "none"}}
    assert catalog.label(yours) == "yours: VAE, β = 1, 3 epochs"
    assert catalog.the(yours) == "your VAE (β = 1, 3 epochs)"
    assert catalog.the({**yours, "kind": "ae"}) == "your autoencoder (3 epochs)"


def test_models_lists_the_plain_vae_first_and_filters_by_property():
    first = catalog.models("mnist")[0]
    assert first["kind"] == "vae" and first["latent_dim"] == 2 and catalog.is_plain(first)
    assert all(m["latent_dim"] == 20 for m in catalog.models("mnist", latent_dim=20))
    assert catalog.judge("mnist")["kind"] == "classifier"
    assert catalog.by_name("no_such_model") is None
