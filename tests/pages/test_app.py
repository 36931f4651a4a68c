"""Every page under AppTest: renders without exceptions, and its main controls do their job.

AppTest's first run goes through app.py; later runs execute the page file alone (Streamlit's
legacy pages/ mode, see pages.common.selected), so each test switches to its page first and
then drives the widgets, which keeps their ids stable from run to run.
"""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from vae_core import latent

APP = "../app.py"
PAGES = ["pages/latent_map.py", "pages/sliders.py", "pages/interpolate.py", "pages/ae_vs_vae.py"]
LESSONS = ["pages/loss_terms.py", "pages/posterior.py", "pages/manifold.py", "pages/your_digit.py",
           "pages/anomalies.py"]


def open_page(page: str, dataset: str = "mnist", **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    if dataset != "mnist":
        at.sidebar.radio(key="dataset").set_value(dataset).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def images(at) -> list:
    return at.get("image")


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
@pytest.mark.parametrize("page", PAGES + LESSONS)
def test_every_page_renders(page, dataset):
    at = open_page(page, dataset)
    assert at.session_state["dataset"] == dataset
    assert at.header[0].value and at.markdown[0].value  # every page says what it shows
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_server_side_decoding(page):
    at = open_page(page, live=False)
    assert at.session_state["live"] is False
    assert not at.error


def test_sidebar_offers_the_models_of_the_dataset():
    at = open_page(PAGES[0])
    options = at.sidebar.selectbox(key="model").options
    assert "VAE, 2-D" in options and "autoencoder, 2-D" in options
    at.sidebar.radio(key="dataset").set_value("fashion-mnist").run()
    assert at.session_state["model"].startswith("fashion_")


def test_latent_map_click_decodes_that_spot():
    at = open_page(PAGES[0])
    assert not images(at)
    at.session_state["map_click"] = {"uv": np.array([0.5, -0.5], np.float32), "index": None}
    at.run()
    assert not at.exception
    assert len(images(at)) == 1
    assert any("decoded at (0.50, -0.50)" in str(c.proto) for c in images(at))


def test_latent_map_on_a_higher_dimensional_model_uses_its_pca_plane():
    at = open_page(PAGES[0])
    at.sidebar.selectbox(key="model").set_value("mnist_vae_20d").run()
    at.session_state["map_click"] = {"uv": np.array([0.0, 0.0], np.float32), "index": 3}
    at.run()
    assert not at.exception and "principal components" in at.markdown[0].value


def test_sliders_sample_from_the_prior_with_the_seed():
    at = open_page(PAGES[1], live=False)
    at.number_input(key="slider_seed").set_value(7).run()
    at.button[0].click().run()  # "Sample from the prior"
    z = [at.session_state[f"z_mnist_vae_2d_{i}"] for i in range(2)]
    assert np.allclose(z, np.round(latent.sample_prior(2, 7), 2), atol=1e-6)
    at.slider(key="z_mnist_vae_2d_0").set_value(2.5).run()
    assert at.session_state["z_mnist_vae_2d_0"] == 2.5 and not at.exception


def test_sliders_start_from_a_test_digit_and_traverse_20d():
    at = open_page(PAGES[1], live=False)
    at.selectbox(key="slider_class").set_value(3).run()
    at.button[1].click().run()
    assert not at.exception
    assert any(at.session_state[f"z_mnist_vae_2d_{i}"] != 0 for i in range(2))
    at.sidebar.selectbox(key="model").set_value("mnist_vae_20d").run()
    assert not at.exception and len(at.slider) == 20 + 1  # 20 z sliders + columns
    assert any(s.value == "Latent traversal" for s in at.subheader)


def test_interpolate_random_pair_and_steps():
    at = open_page(PAGES[2])
    at.number_input(key="interp_seed").set_value(4).run()
    at.button[0].click().run()
    labels = _labels("mnist_vae_2d")
    a, b = latent.random_pair(labels, 4)
    assert (at.session_state["a_class"], at.session_state["b_class"]) == (labels[a], labels[b])
    at.slider(key="interp_steps").set_value(15).run()
    assert not at.exception
    assert len(images(at)) == 3  # VAE linear, VAE spherical, AE linear strips
    assert any(d.proto.label == "Animated GIF of the morph" for d in at.get("download_button"))


def test_interpolate_map_click_moves_an_endpoint():
    at = open_page(PAGES[2])
    idx = int(np.flatnonzero(_labels("mnist_vae_2d") == 5)[3])
    at.session_state["interp_pending"] = ("a", idx)
    at.run()
    assert at.session_state["a_class"] == 5 and at.session_state["a_example"] == 3


def test_ae_vs_vae_click_decodes_through_both_and_reports_gaps():
    at = open_page(PAGES[3])
    headlines = [m.value for m in at.markdown if "of the region decodes" in m.value]
    assert len(headlines) == 2
    at.session_state["gap_click"] = np.array([0.5, 0.5], np.float32)
    at.run()
    assert any(s.value == "The same spot, decoded by both" for s in at.subheader)
    at.slider(key="manifold_n").set_value(8).run()
    assert not at.exception and len(images(at)) == 4  # 2 spots + 2 manifolds


def _labels(name):
    from pages.common import CHECKPOINTS
    from vae_core.atlas import load_atlas

    return load_atlas(CHECKPOINTS / f"{name}.safetensors")["labels"]


@pytest.mark.reliability("no data set")
def test_latent_map_without_the_data_set_says_what_is_missing(monkeypatch, tmp_path):
    from pages import common

    monkeypatch.setenv("LATENT_LAB_DATA", str(tmp_path))  # an empty data root
    common.test_images.clear()
    try:
        at = open_page(PAGES[0], live=False,
                       map_click={"uv": np.array([0.0, 0.0], np.float32), "index": 5})
        assert len(images(at)) == 1  # the decoded spot still works, from the atlas
        assert any("not on this machine" in i.value for i in at.info)
    finally:
        common.test_images.clear()


def test_latent_map_click_on_a_dot_shows_that_test_image(data_root, monkeypatch):
    from pages import common

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    common.test_images.clear()
    at = open_page(PAGES[0], live=False,
                   map_click={"uv": np.array([0.0, 0.0], np.float32), "index": 5})
    assert len(images(at)) == 2
    assert "the test image you clicked: #5" in str(images(at)[1].proto)


# --- the lessons -------------------------------------------------------------------------------

def _eval(name):
    import json

    from pages.common import CHECKPOINTS

    return json.loads((CHECKPOINTS / "eval" / f"{name}.json").read_text())["test"]


def test_loss_terms_show_the_evaluated_numbers_and_turn_beta():
    at = open_page(LESSONS[0])
    text = " ".join(m.value for m in at.markdown)
    for name in ("mnist_vae_2d_recon_only", "mnist_vae_2d_kl_only", "mnist_vae_2d"):
        assert f"{_eval(name)['neg_elbo']:.1f}" in text, name  # from the evaluation CLI's JSON
    rows = next(m.value for m in at.markdown if m.value.startswith("| model |")).splitlines()
    assert rows[0].startswith("| model | test −ELBO | reconstruction | KL |")
    beta4 = _eval("mnist_vae_2d_beta4")
    assert any(f"| {beta4['neg_elbo']:.2f} | {beta4['recon']:.2f} | {beta4['kl']:.2f} |" in r
               for r in rows)
    at.select_slider(key="loss_beta").set_value("β = 4").run()
    assert not at.exception
    assert "dl_prior_mnist_vae_2d_beta4" in str([d.proto for d in at.get("download_button")])
    assert at.query_params["beta"] == "β = 4"


def test_posterior_samples_follow_the_reparameterization_trick():
    at = open_page(LESSONS[1])
    at.selectbox(key="post_class").set_value(5).run()
    at.slider(key="post_k").set_value(4).run()
    seed = at.session_state["post_seed"]
    at.button[0].click().run()  # "Resample ε"
    assert at.session_state["post_seed"] == seed + 1 and not at.exception
    lines = next(m.value for m in at.markdown if m.value.startswith("| sample |")).splitlines()
    assert lines[0] == "| sample | ε₁ | ε₂ | z₁ | z₂ |" and len(lines) == 2 + 4
    table = np.array([[float(c) for c in line.strip("| ").split(" | ")] for line in lines[2:]])
    atlas_labels = _labels("mnist_vae_2d")
    index = int(np.flatnonzero(atlas_labels == 5)[0])
    from pages.common import CHECKPOINTS
    from vae_core.atlas import load_atlas

    a = load_atlas(CHECKPOINTS / "mnist_vae_2d.safetensors")
    eps, z = latent.posterior_samples(a["mu"][index], a["logvar"][index], 4, seed + 1)
    assert np.array_equal(table[:, 0], [1, 2, 3, 4])
    assert np.allclose(table[:, 3:], z, atol=5e-4) and np.allclose(table[:, 1:3], eps, atol=5e-4)
    assert at.query_params["digit"] == str(index)


def test_posterior_click_on_a_test_point_takes_that_image():
    at = open_page(LESSONS[1])
    idx = int(np.flatnonzero(_labels("mnist_vae_2d") == 8)[2])
    at.session_state["post_pending"] = idx
    at.run()
    assert at.session_state["post_class"] == 8 and at.session_state["post_example"] == 2


def test_manifold_grid_kind_and_size():
    at = open_page(LESSONS[2])
    at.slider(key="manifold_size").set_value(7).run()
    at.radio(key="manifold_grid").set_value("linear").run()
    assert not at.exception
    assert any("7×7 decoded grid" in str(i.proto) for i in images(at))


def test_your_digit_upload_lands_on_the_map_and_is_judged():
    import io

    from PIL import Image, ImageDraw

    at = open_page(LESSONS[3])
    assert any("Draw a digit" in i.value for i in at.info)
    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 30), (100, 170)], fill=0, width=18)  # a dark "1" on paper
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    _upload(at, "one.png", buf.getvalue())
    assert not at.exception and not at.warning
    assert any("The judge reads: 1" in m.value for m in at.markdown)
    _upload(at, "notes.txt", b"not a picture at all")
    assert any("Cannot use your upload" in w.value for w in at.warning) and not at.exception


def _upload(at, name, data):
    at.file_uploader(key="upload").upload(name, data).run()


def test_anomalies_page_scores_both_test_sets(data_root, monkeypatch):
    from pages import common

    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    common.test_images.clear()
    at = open_page(LESSONS[4])
    assert not at.exception
    auc = float(at.metric[0].value)
    assert auc > 0.9
    at.radio(key="noise_kind").set_value("occlusion").run()
    at.slider(key="noise_strength").set_value(0.5).run()
    assert not at.exception and at.query_params["noise"] == "occlusion"
    key = "anomaly_threshold_mnist_vae_2d"
    at.slider(key=key).set_value(at.slider(key=key).max).run()
    assert at.metric[1].value == "0.0%" or float(at.metric[1].value.rstrip("%")) < 1
    at.slider(key=key).set_value(at.slider(key=key).min).run()  # below every score: all flagged
    assert float(at.metric[1].value.rstrip("%")) > 99 and float(at.metric[2].value.rstrip("%")) > 99


def test_a_shared_link_reopens_the_view():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(dataset="fashion-mnist", model="fashion_ae_2d", presenter="1")
    at.run()
    assert at.session_state["dataset"] == "fashion-mnist"
    assert at.session_state["model"] == "fashion_ae_2d" and at.session_state["presenter"]
    assert not at.warning


@pytest.mark.parametrize("params", [
    {"dataset": "cifar10"}, {"model": "../../etc/passwd"}, {"presenter": "yes"},
    {"seed": "NaN", "k": "1e400", "digit": "-1"}, {"digit": "x" * 10_000},
])
@pytest.mark.reliability("url parameters")
def test_garbage_in_the_link_falls_back_with_a_notice(params):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(LESSONS[1]).run()  # a deep link: the posterior page checks digit, k, seed
    first = ""
    assert not at.exception
    assert at.session_state["dataset"] == "mnist" and at.session_state["model"] == "mnist_vae_2d"
    assert at.session_state["post_k"] == 8 and at.session_state["post_seed"] == 0
    warnings = first + " ".join(w.value for w in at.warning)
    assert "not usable" in warnings and len(warnings) < 1000


def test_links_set_z_endpoints_and_the_clicked_spot():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(z="1.25,-0.5", seed="9")
    at.switch_page(PAGES[1]).run()
    assert [at.session_state[f"z_mnist_vae_2d_{i}"] for i in range(2)] == [1.25, -0.5]
    assert at.session_state["slider_seed"] == 9 and at.query_params["z"] == "1.25,-0.50"

    at = AppTest.from_file(APP, default_timeout=60)
    labels = _labels("mnist_vae_2d")
    at.query_params.update(a="10", b="20", steps="12")
    at.switch_page(PAGES[2]).run()
    assert at.session_state["a_class"] == labels[10] and at.session_state["b_class"] == labels[20]
    assert at.session_state["interp_steps"] == 12 and at.query_params["a"] == "10"

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(at="0.5,-0.5", live="0")
    at.session_state["live"] = False
    at.run()
    assert any("decoded at (0.50, -0.50)" in str(c.proto) for c in images(at))


@pytest.mark.reliability("url parameters")
def test_a_z_outside_the_sliders_range_is_refused_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(z="1e6,0")
    at.switch_page(PAGES[1]).run()
    assert not at.exception and any("outside" in w.value for w in at.warning)
    assert at.session_state["z_mnist_vae_2d_0"] == 0.0
