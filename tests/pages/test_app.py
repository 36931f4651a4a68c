"""Every page under AppTest, through the frame (app.py): renders without exceptions, and its main
controls do their job. Pages live in sub-folders of pages/, so every run goes through app.py's
navigation, as in the browser."""

import json

import numpy as np
import pytest
from helpers import CHECKPOINTS, REPO
from streamlit.testing.v1 import AppTest

from ui.registry import PAGES, by_key
from vae_core import latent
from vae_core.atlas import load_atlas, open_atlas

APP = str(REPO / "app.py")


def open_page(key: str, dataset: str = "mnist", **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if key != "latent_map":
        at.switch_page(by_key(key).file).run()
    if dataset != "mnist":
        at.sidebar.radio(key="dataset").set_value(dataset).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def param(at, name: str) -> str:
    """A query parameter of the app's address bar."""
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


def images(at) -> list[str]:
    """The pictures on the page (widgets.show_digit: a <figure> with the PNG and its caption)."""
    return [m.value for m in at.markdown if '<figure class="ll-figure"><img' in m.value]


def said(at) -> str:
    """The page's Markdown as a reader sees it: glossary links reduced to their words."""
    import re

    return re.sub(r"\[([^\]]+)\]\(glossary#[\w-]+\)", r"\1", " ".join(m.value for m in at.markdown))


def charts(at) -> list[str]:
    """The SVG charts on the page (ui.charts)."""
    return [m.value for m in at.markdown if '<svg viewBox' in m.value and 'class="ll-chart"' in m.value]


def labels(name="mnist_vae_2d"):
    return load_atlas(CHECKPOINTS / f"{name}.safetensors")["labels"]


def evaluated(name):
    return json.loads((CHECKPOINTS / "eval" / f"{name}.json").read_text())["test"]


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_every_page_renders_framed(key, dataset):
    at = open_page(key, dataset if dataset in by_key(key).datasets else "mnist")
    assert at.sidebar.title[0].value == "Latent Lab"  # the frame drew the sidebar
    assert at.header[0].value and at.markdown[0].value  # every page says what it shows
    assert not at.error


@pytest.mark.parametrize("key", ["latent_map", "sliders", "ae_vs_vae"])
def test_pages_with_live_decoding_render_with_server_side_decoding(key):
    at = open_page(key, live=False)
    assert at.session_state["live"] is False and not at.error


def test_the_sidebar_offers_each_page_its_own_models():
    at = open_page("latent_map")
    options = at.sidebar.selectbox(key="model@latent_map").options
    assert "VAE, 2-D" in options and "autoencoder, 2-D" in options
    at.sidebar.radio(key="dataset").set_value("fashion-mnist").run()
    assert at.sidebar.selectbox(key="model@latent_map").value.startswith("fashion_")
    at.switch_page(by_key("loss_terms").file).run()  # MNIST only: no pickers at all
    assert not at.sidebar.radio and not at.sidebar.selectbox
    at.switch_page(by_key("posterior").file).run()  # VAEs only
    assert all("autoencoder" not in o for o in at.sidebar.selectbox(key="model@posterior").options)


def test_a_model_picked_on_one_page_stays_picked_where_it_is_offered():
    at = open_page("latent_map")
    at.sidebar.selectbox(key="model@latent_map").set_value("mnist_vae_20d").run()
    at.switch_page(by_key("posterior").file).run()
    assert at.sidebar.selectbox(key="model@posterior").value == "mnist_vae_20d"
    at.switch_page(by_key("manifold").file).run()  # 2-D only: its own first choice
    assert at.sidebar.selectbox(key="model@manifold").value == "mnist_vae_2d"
    assert param(at, "model") == "mnist_vae_2d"


def test_latent_map_click_decodes_that_spot():
    at = open_page("latent_map")
    assert not images(at)
    at.session_state["map_click"] = {"uv": np.array([0.5, -0.5], np.float32), "index": None}
    at.run()
    assert not at.exception and len(images(at)) == 1
    assert "decoded at (0.50, -0.50)" in images(at)[0]


def test_latent_map_on_a_higher_dimensional_model_uses_its_pca_plane():
    at = open_page("latent_map")
    at.sidebar.selectbox(key="model@latent_map").set_value("mnist_vae_20d").run()
    at.session_state["map_click"] = {"uv": np.array([0.0, 0.0], np.float32), "index": 3}
    at.run()
    assert not at.exception and "principal components" in at.markdown[0].value


def test_sliders_sample_from_the_prior_with_the_seed():
    at = open_page("sliders", live=False)
    at.number_input(key="slider_seed").set_value(7).run()
    zs = []
    for seed in (8, 9, 10):  # each press draws a new z with the next seed, and the link says so
        at.button[0].click().run()  # "Sample from the prior"
        zs.append([at.session_state[f"z_mnist_vae_2d_{i}"] for i in range(2)])
        assert np.allclose(zs[-1], np.round(latent.sample_prior(2, seed), 2), atol=1e-6)
        assert at.session_state["slider_seed"] == seed and param(at, "seed") == str(seed)
    assert len({tuple(z) for z in zs}) == 3
    at.slider(key="z_mnist_vae_2d_0").set_value(2.5).run()
    assert at.session_state["z_mnist_vae_2d"][0] == 2.5 and not at.exception
    assert param(at, "z").startswith("2.50,")


def test_sliders_start_from_a_test_digit_and_traverse_20d():
    at = open_page("sliders", live=False)
    at.selectbox(key="slider_class").set_value(3).run()
    at.button[1].click().run()
    assert not at.exception and any(v != 0 for v in at.session_state["z_mnist_vae_2d"])
    at.sidebar.selectbox(key="model@sliders").set_value("mnist_vae_20d").run()
    assert not at.exception and len(at.slider) == 20 + 1  # 20 z sliders + columns
    assert any(s.value == "Latent traversal" for s in at.subheader)


def test_interpolate_random_pair_and_steps():
    at = open_page("interpolate")
    at.number_input(key="interp_seed").set_value(4).run()
    pairs = []
    for seed in (5, 6, 7):  # "Random pair": a new pair each press, kept in the link
        at.button[0].click().run()
        a, b = latent.random_pair(labels(), seed)
        assert (at.session_state["interp_a"], at.session_state["interp_b"]) == (a, b)
        assert (param(at, "a"), param(at, "b"), param(at, "seed")) == (str(a), str(b), str(seed))
        pairs.append((a, b))
    assert len(set(pairs)) == 3
    assert at.session_state["interp_a_class"] == labels()[a]  # the pickers follow the index
    at.slider(key="interp_steps").set_value(15).run()
    assert not at.exception and len(images(at)) == 3  # VAE linear, spherical, AE linear
    assert any(d.proto.label == "Animated GIF of the morph" for d in at.get("download_button"))


def test_interpolate_pickers_set_the_endpoint():
    at = open_page("interpolate")
    at.selectbox(key="interp_a_class").set_value(5).run()
    at.number_input(key="interp_a_example").set_value(3).run()
    assert at.session_state["interp_a"] == int(np.flatnonzero(labels() == 5)[3])
    assert param(at, "a") == str(at.session_state["interp_a"])


def test_ae_vs_vae_draws_both_priors_samples_and_their_class_shares():
    doc = json.loads((CHECKPOINTS / "eval" / "contrast_mnist.json").read_text())["pairs"]["2"]
    at = open_page("ae_vs_vae")
    pictures = images(at)
    assert len(pictures) == 2 and all("64 samples z ~ N(0, I)" in p for p in pictures)
    assert all("judge reads" in p for p in pictures)  # the alt text says what the samples are
    bars, = charts(at)
    assert bars.count("<rect") == 20  # ten classes, two models
    share = doc["ae"]["prior"]["class_share"]
    assert f"autoencoder, 2-D: 0 {share[0]:.0%}" in bars  # the chart's description has the numbers
    at.number_input(key="contrast_seed").set_value(3).run()
    assert not at.exception and images(at) != pictures  # another seed, other samples


@pytest.mark.reliability("no data set")
def test_latent_map_without_the_data_set_says_what_is_missing(monkeypatch, tmp_path):
    from ui import catalog

    monkeypatch.setenv("LATENT_LAB_DATA", str(tmp_path))  # an empty data root
    catalog.test_split.clear()
    try:
        at = open_page("latent_map", live=False,
                       map_click={"uv": np.array([0.0, 0.0], np.float32), "index": 5})
        assert len(images(at)) == 1  # the decoded spot still works, from the atlas
        assert any("not on this machine" in i.value for i in at.info)
    finally:
        catalog.test_split.clear()


def test_latent_map_click_on_a_dot_shows_that_test_image(data_root, monkeypatch):
    from ui import catalog

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    catalog.test_split.clear()
    at = open_page("latent_map", live=False,
                   map_click={"uv": np.array([0.0, 0.0], np.float32), "index": 5})
    assert len(images(at)) == 2
    assert "the test image you clicked: #5" in images(at)[1]


# --- the lessons -------------------------------------------------------------------------------

def test_loss_terms_show_the_evaluated_numbers_and_turn_beta():
    at = open_page("loss_terms")
    text = " ".join(m.value for m in at.markdown)
    for name in ("mnist_vae_2d_recon_only", "mnist_vae_2d_kl_only", "mnist_vae_2d"):
        assert f"{evaluated(name)['neg_elbo']:.1f}" in text, name  # from the evaluation JSON
    rows = next(m.value for m in at.markdown if m.value.startswith("| model |")).splitlines()
    assert rows[0].startswith("| model | test −ELBO | reconstruction | KL |")
    beta4 = evaluated("mnist_vae_2d_beta4")
    assert any(f"| {beta4['neg_elbo']:.2f} | {beta4['recon']:.2f} | {beta4['kl']:.2f} |" in r
               for r in rows)
    at.select_slider(key="loss_beta").set_value("β = 4").run()
    assert not at.exception
    assert "dl_prior_mnist_vae_2d_beta4" in str([d.proto for d in at.get("download_button")])
    assert param(at, "beta") == "β = 4"


def test_posterior_opens_where_its_samples_differ_and_draws_sigma_to_scale():
    at = open_page("posterior")  # a 2-D VAE's σ is ~0.01: its samples decode to one picture
    assert at.sidebar.selectbox(key="model@posterior").value == "mnist_vae_16d"
    assert at.session_state["post_blow_mnist_vae_16d"] == 1 and not at.exception
    assert not any("nearly the same picture" in m.value for m in at.markdown)
    at.sidebar.selectbox(key="model@posterior").set_value("mnist_vae_2d").run()
    assert at.session_state["post_blow_mnist_vae_2d"] == 20
    assert any("nearly the same picture" in m.value for m in at.markdown)


def test_posterior_samples_follow_the_reparameterization_trick():
    at = open_page("posterior")
    at.sidebar.selectbox(key="model@posterior").set_value("mnist_vae_2d").run()
    at.selectbox(key="post_digit_class").set_value(5).run()
    at.slider(key="post_k").set_value(4).run()
    seed = at.session_state["post_seed"]
    at.button[0].click().run()  # "Resample ε"
    assert at.session_state["post_seed"] == seed + 1 and not at.exception
    lines = next(m.value for m in at.markdown if m.value.startswith("| sample |")).splitlines()
    assert lines[0] == "| sample | ε₁ | ε₂ | z₁ | z₂ |" and len(lines) == 2 + 4
    table = np.array([[float(c) for c in line.strip("| ").split(" | ")] for line in lines[2:]])
    a = open_atlas(CHECKPOINTS / "mnist_vae_2d.safetensors")
    index = a.index_of(5, 0)
    eps, z = latent.posterior_samples(a.mu[index], a.logvar[index], 4, seed + 1)
    assert np.array_equal(table[:, 0], [1, 2, 3, 4])
    assert np.allclose(table[:, 3:], z, atol=5e-4) and np.allclose(table[:, 1:3], eps, atol=5e-4)
    assert param(at, "image") == str(index)


def test_posterior_shows_this_images_elbo_as_the_cli_computes_it(data_root, monkeypatch):
    from ui import catalog
    from vae_core import load_model
    from vae_core.data import raw_test_images
    from vae_core.evaluate import image_figures

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    catalog.test_split.clear()
    at = open_page("posterior")
    at.sidebar.selectbox(key="model@posterior").set_value("mnist_vae_2d").run()
    at.selectbox(key="post_digit_class").set_value(8).run()
    index = open_atlas(CHECKPOINTS / "mnist_vae_2d.safetensors").index_of(8, 0)
    f = image_figures(load_model(CHECKPOINTS / "mnist_vae_2d.safetensors"),
                      raw_test_images("mnist", data_root)[0][index] / 255.0)
    formula = at.latex[-1].value
    assert f"{{{f['recon']:.2f}}}" in formula and f"KL}} = {f['kl']:.2f}" in formula
    assert f"= {f['neg_elbo']:.2f}" in formula
    assert any(f"--index {index}" in m.value for m in at.markdown)
    rows = next(m.value for m in at.markdown if m.value.startswith("| dimension |"))
    assert f"| {f['kl_dims'][0]:.3f} |" in rows.splitlines()[2]
    at.sidebar.selectbox(key="model@posterior").set_value("mnist_vae_20d").run()
    assert not at.exception and any("dimensions carry under" in m.value for m in at.markdown)
    bars, = charts(at)  # the KL of each of the 20 dimensions
    assert bars.count("<rect") == 20 and "KL of each dimension" in bars


def test_manifold_grid_kind_and_size():
    at = open_page("manifold")
    at.slider(key="manifold_size").set_value(7).run()
    at.radio(key="manifold_grid").set_value("linear").run()
    assert not at.exception and any("7×7 decoded grid" in i for i in images(at))


def test_your_digit_upload_lands_on_the_map_and_is_judged():
    import io

    from PIL import Image, ImageDraw

    at = open_page("your_digit")
    assert any("Draw a digit" in i.value for i in at.info)
    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill=0, width=18)  # a dark "1" on paper
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    at.file_uploader(key="upload").upload("one.png", buf.getvalue()).run()
    assert not at.exception and not at.warning
    assert any("reads your input as 1" in m.value for m in at.markdown)
    at.file_uploader(key="upload").upload("notes.txt", b"not a picture at all").run()
    assert any("Cannot use your upload" in w.value for w in at.warning) and not at.exception


def test_anomalies_page_scores_both_test_sets(data_root, monkeypatch):
    from ui import catalog

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    catalog.test_split.clear()
    at = open_page("anomalies")
    assert not at.exception and float(at.metric[0].value) > 0.9
    key = "anomaly_threshold_mnist_vae_2d"
    at.slider(key=key).set_value(at.slider(key=key).max).run()
    assert float(at.metric[1].value.rstrip("%")) < 1
    at.slider(key=key).set_value(at.slider(key=key).min).run()  # below every score: all flagged
    assert float(at.metric[1].value.rstrip("%")) > 99 and float(at.metric[2].value.rstrip("%")) > 99


def test_a_shared_link_reopens_the_view():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(dataset="fashion-mnist", model="fashion_ae_2d", presenter="1")
    at.run()
    assert at.session_state["dataset"] == "fashion-mnist"
    assert at.sidebar.selectbox(key="model@latent_map").value == "fashion_ae_2d"
    assert at.session_state["presenter"] and not at.warning


@pytest.mark.parametrize("params", [
    {"dataset": "cifar10"}, {"model": "../../etc/passwd"}, {"presenter": "yes"},
    {"seed": "NaN", "k": "1e400", "digit": "-1"}, {"digit": "x" * 10_000},
])
@pytest.mark.reliability("url parameters")
def test_garbage_in_the_link_falls_back_with_a_notice(params):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(by_key("posterior").file).run()  # a deep link: digit, k, seed are checked
    assert not at.exception
    assert at.session_state["dataset"] == "mnist"
    assert at.sidebar.selectbox(key="model@posterior").value == "mnist_vae_16d"  # its default
    assert at.session_state["post_k"] == 8 and at.session_state["post_seed"] == 0
    warnings = " ".join(w.value for w in at.warning)
    assert "not usable" in warnings and len(warnings) < 1000


def test_links_set_z_endpoints_and_the_clicked_spot():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(z="1.25,-0.5", seed="9", live="0")
    at.switch_page(by_key("sliders").file).run()
    assert list(at.session_state["z_mnist_vae_2d"]) == [1.25, -0.5]
    assert at.session_state["slider_seed"] == 9 and param(at, "z") == "1.25,-0.50"

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(a="10", b="20", steps="12")
    at.switch_page(by_key("interpolate").file).run()
    assert at.session_state["interp_a_class"] == labels()[10]
    assert at.session_state["interp_b_class"] == labels()[20]
    assert at.session_state["interp_steps"] == 12

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"at": "0.5,-0.5", "live": "0"})
    at.run()
    assert any("decoded at (0.50, -0.50)" in c for c in images(at))


@pytest.mark.reliability("url parameters")
def test_a_z_outside_the_sliders_range_is_refused_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(z="1e6,0")
    at.switch_page(by_key("sliders").file).run()
    assert not at.exception and any("outside" in w.value for w in at.warning)
    assert at.session_state["z_mnist_vae_2d"][0] == 0.0


def test_ae_vs_vae_shows_what_the_contrast_file_says():
    doc = json.loads((CHECKPOINTS / "eval" / "contrast_mnist.json").read_text())
    at = open_page("ae_vs_vae")
    text = said(at)
    for dim in ("2", "16"):
        if dim != "2":
            at.radio(key="contrast_pair").set_value(dim).run()
            text = said(at)
        v, a = doc["pairs"][dim]["vae"], doc["pairs"][dim]["ae"]
        assert f"**{v['prior']['confident']:.0%}** of them confidently" in text
        assert f"**{a['prior']['confident']:.0%}** confident pictures" in text
        assert (f"{v['grid']['confident']:.0%} of its points for the VAE and "
                f"{a['grid']['confident']:.0%} for the autoencoder") in text
        assert (f"change class {v['interpolation']['class_changes']:.1f} and "
                f"{a['interpolation']['class_changes']:.1f} times") in text
        assert f"**{v['prior']['frechet']:.0f}** against **{a['prior']['frechet']:.0f}**" in text
        assert f"**{v['codes']['kl_fitted_to_prior']:.2f} nats**" in text
        assert f"{v['prior']['entropy_bits']:.2f} of 3.32 bits" in text
    table = next(m.value for m in at.markdown if m.value.startswith("| pair |"))
    assert f"| {doc['pairs']['16']['ae']['fitted']['frechet']:.0f} |" in table


def test_denoising_defaults_to_an_example_that_works_and_shows_the_curves(data_root, monkeypatch):
    from ui import catalog

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    catalog.test_split.clear()
    doc = json.loads((CHECKPOINTS / "eval" / "denoising_mnist.json").read_text())
    ex = doc["example"]
    at = open_page("denoising")
    assert at.session_state["noise_kind"] == ex["kind"]
    assert at.session_state["noise_strength"] == ex["strength"]
    captions = images(at)
    assert len(captions) == 2 + len(doc["models"])
    assert any("denoising: reads 2" in c for c in captions)  # the default digit is a 2
    assert sum("denoising: reads 2" in c for c in captions) == 2  # both denoisers get it right
    i = doc["strengths"].index(ex["strength"])
    text = " ".join(m.value for m in at.markdown)
    assert f"reads {doc[ex['kind']]['noisy']['accuracy'][i]:.0%} of the noisy inputs" in text
    curves = charts(at)  # accuracy and PSNR against strength, one line per model and the input
    assert len(curves) == 2 and all(c.count('<path d="M') == 1 + len(doc["models"]) for c in curves)
    at.radio(key="noise_kind").set_value("occlusion").run()
    assert not at.exception and "occlusion" in " ".join(m.value for m in at.markdown)
