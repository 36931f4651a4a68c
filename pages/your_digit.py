"""Your own digit: draw or upload one, prepare it like MNIST, see where the VAE puts it."""

import base64
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from pages import common
from vae_core import latent
from vae_core.preprocess import ImageProblem, prepare

dataset, _ = common.selected()
vae_meta, ae_meta = common.find(dataset, "vae_2d"), common.find(dataset, "ae_2d")
judge_meta = common.judge_of(dataset)
if vae_meta is None:
    st.error("This page needs the 2-D VAE of this data set in checkpoints/.")
    st.stop()
at = common.atlas(vae_meta["path"])
names = common.class_names(dataset)
thing = "digit" if dataset == "mnist" else "piece of clothing"
_ASSETS = Path(__file__).with_name("live")
_pad = st.components.v2.component(
    "latent_lab_drawing_pad", html='<div class="ll-root"></div>',
    css=(_ASSETS / "canvas.css").read_text(), js=(_ASSETS / "canvas.js").read_text())

st.header(f"Your own {thing}")
st.markdown(
    f"Draw a {thing} or upload a picture. It is prepared the way MNIST was (grey, light ink on "
    "black, cropped to the ink, scaled to fit 20×20 and centred by its centre of mass in 28×28); "
    "then the VAE encodes it to a Gaussian on the map, and both models reconstruct it."
)

draw, upload = st.tabs(["Draw", "Upload"])
with draw:
    st.caption("Draw with the mouse, a pen or a finger; the result updates when you lift it.")
    result = _pad(key="pad", data={"size": 280}, on_png_change=lambda: None)
with upload:
    file = st.file_uploader("A picture of one " + thing, key="upload",
                            help="PNG, JPEG, GIF, BMP, TIFF or WebP; dark on light or light on "
                                 "dark. Up to 25 megapixels.")

source, data = None, None
if file is not None:
    source, data = f"your upload `{file.name[:60]}`", file.getvalue()
else:
    png = (result or {}).get("png")
    if isinstance(png, str) and png.startswith("data:image/png;base64,"):
        try:
            source, data = "your drawing", base64.b64decode(png.split(",", 1)[1], validate=True)
        except ValueError:
            st.warning("The drawing did not arrive intact; draw again.")
if data is None:
    st.info(f"Draw a {thing} above, or upload a picture.", icon=":material/draw:")
    st.stop()
try:
    x, notes = prepare(data)
except ImageProblem as e:
    st.warning(f"Cannot use {source}: {e}", icon=":material/image_not_supported:")
    st.stop()
for note in notes:
    st.caption(note)

vae = common.model(vae_meta["path"])
(mu,), (logvar,) = latent.encode(vae, x[None])
sigma = np.exp(0.5 * logvar)
left, right = st.columns([1.4, 1])
with left:
    paths = [{"uv": latent.ellipse(mu, sigma, s), "mode": "lines", "color": "black",
              "width": 3 if s == 1 else 2, "dash": "solid" if s == 1 else "dash"} for s in (1, 2)]
    st.plotly_chart(common.latent_map(at, dataset, height=500, click_grid=False, paths=paths,
                                      marks=[{"uv": mu, "text": "yours"}]),
                    key="yours_map", width="stretch", config=common.PLOT_CONFIG)
    st.caption(f"μ = ({mu[0]:.2f}, {mu[1]:.2f}), σ = ({sigma[0]:.3f}, {sigma[1]:.3f}); "
               "ellipses at 1σ and 2σ.")
with right:
    c1, c2 = st.columns(2)
    with c1:
        common.show_digit(x, "prepared 28×28 input", "yours_input", scale=5)
    with c2:
        common.show_digit(latent.decode(vae, mu)[0], "VAE reconstruction (μ)", "yours_vae",
                          scale=5)
    if ae_meta is not None:
        ae = common.model(ae_meta["path"])
        z_ae, _ = latent.encode(ae, x[None])
        with c1:
            common.show_digit(latent.decode(ae, z_ae)[0], "autoencoder reconstruction",
                              "yours_ae", scale=5)
    if judge_meta is not None:
        with torch.inference_mode():
            p = torch.softmax(common.model(judge_meta["path"])(
                torch.as_tensor(x).reshape(1, 1, 28, 28)), 1)[0].numpy()
        top = np.argsort(p)[::-1][:3]
        with c2:
            st.markdown(f"**The judge reads: {names[top[0]]}** ({p[top[0]]:.0%})")
            for c in top[1:]:
                st.caption(f"{names[c]}: {p[c]:.1%}")
