"""One image, a distribution: a VAE encodes an image to N(mu, sigma^2); the AE to one point."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate
from vae_core.images import mosaic

dataset, _ = common.selected()
vae_meta, ae_meta = common.find(dataset, "vae_2d"), common.find(dataset, "ae_2d")
if vae_meta is None:
    st.error("This page needs the 2-D VAE of this data set in checkpoints/.")
    st.stop()
at = common.atlas(vae_meta["path"])
vae = common.model(vae_meta["path"])
names = common.class_names(dataset)
SAMPLE_COLOR = "#000000"

st.header("One image, a distribution")
st.markdown(
    "The VAE's encoder does not return a point: it returns a mean μ and a spread σ, the Gaussian "
    "q(z | x) drawn here as its 1σ and 2σ ellipses. Training decodes samples "
    "**z = μ + σ · ε** with ε ~ N(0, I): the randomness is all in ε, so the gradient flows "
    "through μ and σ (the reparameterization trick); the plain autoencoder has one point instead."
)

url = common.url_values("posterior", {"digit": urlstate.integer(0, len(at.labels) - 1),
                                      "k": urlstate.integer(1, 32),
                                      "seed": urlstate.integer(0, 10_000)})
if "digit" in url:
    common.test_index_params(at, "post", url["digit"])
for key, name in (("post_k", "k"), ("post_seed", "seed")):
    if name in url:
        st.session_state[key] = url[name]
pending = st.session_state.pop("post_pending", None)  # a click on a test point
if pending is not None:
    common.test_index_params(at, "post", pending)
common.clean_state("post_k", 8, lo=1, hi=32)
common.clean_state("post_seed", 0, lo=0, hi=10_000)
common.clean_state("post_many", 3, lo=3, hi=30)
common.clean_state("post_blow", 20, options=[1, 2, 5, 10, 20, 50])
st.session_state.setdefault("post_k", 8)
st.session_state.setdefault("post_seed", 0)


def on_click():
    click = common.clicked_point(st.session_state["post_map"])
    if click is not None and click["index"] is not None:
        st.session_state["post_pending"] = click["index"]


def resample():
    st.session_state["post_seed"] = (st.session_state["post_seed"] + 1) % 10_001


c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
with c1:
    index = common.pick_test_image(at, dataset, "post", default_class=3)
k = c2.slider("Samples K", 1, 32, key="post_k")
c3.number_input("Seed", 0, 10_000, key="post_seed")
c3.button("Resample ε", on_click=resample, icon=":material/casino:")
seed = int(st.session_state["post_seed"])

mu, logvar = at.mu[index], at.logvar[index]
sigma = np.exp(0.5 * logvar)
eps, z = latent.posterior_samples(mu, logvar, k, seed)
paths = [{"uv": latent.ellipse(mu, sigma, s), "mode": "lines", "color": "black",
          "width": 3 if s == 1 else 2, "dash": "solid" if s == 1 else "dash"} for s in (1, 2)]
paths.append({"uv": z, "mode": "markers", "color": SAMPLE_COLOR, "size": 9, "symbol": "circle-open"})
half = float(max(3.0 * sigma.max(), 1e-3))  # the zoom shows the 3-sigma square around mu
zoom = (mu[0] - half, mu[0] + half, mu[1] - half, mu[1] + half)
box = np.array([[zoom[0], zoom[2]], [zoom[1], zoom[2]], [zoom[1], zoom[3]], [zoom[0], zoom[3]],
                [zoom[0], zoom[2]]], np.float32)
left, right = st.columns(2)
with left:
    st.plotly_chart(
        common.latent_map(at, dataset, marks=[{"uv": mu, "text": "μ", "symbol": "x"}], height=460,
                          legend=False, paths=[{"uv": box, "mode": "lines", "color": "black",
                                                "width": 2}]),
        key="post_map", on_select=on_click, selection_mode="points", width="stretch",
        config=common.PLOT_CONFIG)
    st.caption("The whole map. Click a dot to take that test image; the small square is the "
               "zoom on the right.")
with right:
    st.plotly_chart(
        common.latent_map(at, dataset, paths=paths, height=460, click_grid=False, bounds=zoom,
                          marks=[{"uv": mu, "text": "μ", "symbol": "x"}]),
        key="post_zoom", width="stretch", config=common.PLOT_CONFIG)
    st.caption(f"Zoomed in {(at.bounds[1] - at.bounds[0]) / (2 * half):.0f}×: solid ellipse 1σ, "
               "dashed 2σ, open circles the K samples z, dots the neighbouring test images.")

images = common.test_images(dataset)
pics = latent.decode(vae, np.vstack([mu[None], z]))
c1, c2, c3 = st.columns([1, 1, 2.2])
with c1:
    if images is not None:
        st.image(common.digit_image(images[index] / 255.0, 6), width="stretch",
                 caption=f"the input x: test #{index}, a {names[at.labels[index]]}",
                 output_format="PNG")
    else:
        st.caption(f"Test #{index}, a {names[at.labels[index]]}")
with c2:
    common.show_digit(pics[0], "decoded μ", "post_mu", scale=6)
with c3:
    st.latex(r"\mu = ({:.2f},\ {:.2f}),\quad \sigma = ({:.3f},\ {:.3f})".format(*mu, *sigma))
    st.latex(r"z_i = \mu + \sigma \odot \varepsilon_i,\qquad \varepsilon_i \sim \mathcal{N}(0, I)")
    st.markdown(f"σ is about {sigma.mean():.3f} here, against the prior's 1: two numbers have to "
                "carry everything about the image, so the encoder is very sure where it goes.")

ncols = min(k, 8)
common.show_digit(mosaic(pics[1:], ncols, pad=1, fill=0.25),
                  f"the {k} samples z = μ + σ·ε, decoded (seed {seed})", "post_samples", scale=4)
with st.expander("The numbers: ε and z of each sample", expanded=k <= 8):
    common.table([{"sample": i + 1, "ε₁": e[0], "ε₂": e[1], "z₁": v[0], "z₂": v[1]}
                  for i, (e, v) in enumerate(zip(eps, z))], digits=3)

if ae_meta is not None:
    st.subheader("The plain autoencoder: one point, no spread")
    ae_at = common.atlas(ae_meta["path"])
    a1, a2 = st.columns([1.4, 1])
    with a1:
        st.plotly_chart(common.latent_map(ae_at, dataset, height=380, click_grid=False,
                                          marks=[{"uv": ae_at.mu[index], "text": "z"}]),
                        key="post_ae_map", width="stretch", config=common.PLOT_CONFIG)
    with a2:
        st.markdown("The same image through the autoencoder: a single deterministic code "
                    f"z = ({ae_at.mu[index][0]:.2f}, {ae_at.mu[index][1]:.2f}). Nothing in its "
                    "training asks the points around it to decode to anything sensible.")
        common.show_digit(latent.decode(common.model(ae_meta["path"]), ae_at.mu[index])[0],
                          "the autoencoder's reconstruction", "post_ae", scale=5)

st.subheader("Several posteriors at once")
p1, p2 = st.columns(2)
n_post = p1.slider("Images", 3, 30, 3, key="post_many")
blow = p2.select_slider("Draw σ enlarged ×", [1, 2, 5, 10, 20, 50], value=20, key="post_blow",
                        help="In a 2-D VAE σ is tiny next to the map: enlarge the ellipses to see "
                             "their shapes. 1 shows them true to scale.")
rng = np.random.default_rng(seed)
picks = [int(rng.choice(np.flatnonzero(at.labels == c))) for c in rng.permutation(10)]
picks += [int(i) for i in rng.choice(len(at.labels), max(0, n_post - 10), replace=False)]
picks = picks[:n_post]
many = []
for i in picks:
    s_i = np.exp(0.5 * at.logvar[i])
    color = common.COLORS[int(at.labels[i])]
    many += [{"uv": latent.ellipse(at.mu[i], blow * s_i, s), "mode": "lines", "color": color,
              "width": 3 if s == 1 else 1.5, "dash": "solid" if s == 1 else "dash"} for s in (1, 2)]
st.plotly_chart(common.latent_map(at, dataset, paths=many, height=480, click_grid=False),
                key="post_many_map", width="stretch", config=common.PLOT_CONFIG)
sizes = np.exp(0.5 * at.logvar).mean(1)
st.caption(f"Each image gets its own Gaussian (mean σ over the test set ranges "
           f"{sizes.min():.3f}–{sizes.max():.3f}; the prior's is 1), drawn ×{blow}. Because "
           "training decodes samples, not points, nearby codes have to decode to similar images: "
           "that is what makes the space continuous.")
common.share(digit=index, k=k, seed=seed)
