"""Your own digit: draw or upload one, prepare it like MNIST, see where the VAE puts it."""

import streamlit as st

from ui import catalog, figures, frame, live, widgets
from vae_core import latent, posterior
from vae_core.data import class_names
from vae_core.preprocess import ImageProblem, prepare

ctx = frame.context()
dataset = ctx.dataset
vae_meta, ae_meta = catalog.pair(dataset)
judge = catalog.judge(dataset)
if vae_meta is None:
    st.error("This page needs the 2-D VAE of this data set in checkpoints/.")
    st.stop()
at = catalog.atlas(vae_meta)
names = class_names(dataset)
thing = "digit" if dataset == "mnist" else "piece of clothing"

st.header(f"Your own {thing}")
frame.intro(
    f"Draw a {thing} or upload a picture. It is prepared the way MNIST was (grey, light ink on "
    "black, cropped to the ink, scaled to fit 20×20 and centred by its centre of mass in 28×28); "
    "then the VAE encodes it to a Gaussian on the map, and both models reconstruct it."
)

draw, upload = st.tabs(["Draw", "Upload"])
with draw:
    frame.say("Draw with the mouse, a pen or a finger; the result updates when you lift it.")
    try:
        drawn = live.drawing_pad("pad")
    except ValueError:
        drawn = None
        st.warning("The drawing did not arrive intact; draw again.")
with upload:
    file = st.file_uploader("A picture of one " + thing, key="upload",
                            help="PNG, JPEG, GIF, BMP, TIFF or WebP; dark on light or light on "
                                 "dark. Up to 25 megapixels.")

source, data = (f"your upload `{file.name[:60]}`", file.getvalue()) if file is not None else (
    "your drawing", drawn)
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

vae = catalog.model(vae_meta)
(mu,), (logvar,) = latent.encode(vae, x[None])
sigma = latent.sigma_of(logvar)
left, right = st.columns([1.4, 1])
with left:
    rings = figures.rings({k: posterior.plane_ellipse(at.plane, mu, sigma, k) for k in (1, 2)})
    live.latent_map([{"meta": vae_meta, "marks": [{"uv": mu, "text": "yours"}], "paths": rings}],
                    dataset, "yours_map", max_size=500, width=frame.column_width([1.4, 1], 0))
    st.caption(f"μ = ({mu[0]:.2f}, {mu[1]:.2f}), σ = ({sigma[0]:.3f}, {sigma[1]:.3f}); "
               "ellipses at 1σ and 2σ.")
with right:
    c1, c2 = st.columns(2)
    with c1:  # the input, and under it what the judge reads in it (not in a reconstruction)
        widgets.show_digit(x, "prepared 28×28 input", "yours_input", scale=5,
                           alt=widgets.reading(x, dataset, f"{source}, prepared like MNIST"))
        if judge is not None:
            top = latent.judge_top(catalog.model(judge), x)
            frame.say(f"**The judge reads your input as {names[top[0][0]]}** ({top[0][1]:.0%})")
            for c, p in top[1:]:
                st.caption(f"{names[c]}: {p:.1%}")
    with c2:
        recon = latent.decode(vae, mu)[0]
        widgets.show_digit(recon, "VAE reconstruction (μ)", "yours_vae", scale=5,
                           alt=widgets.reading(recon, dataset, "the VAE's reconstruction"))
        if ae_meta is not None:
            ae = catalog.model(ae_meta)
            ae_recon = latent.decode(ae, latent.encode(ae, x[None])[0])[0]
            widgets.show_digit(ae_recon, "autoencoder reconstruction", "yours_ae", scale=5,
                               alt=widgets.reading(ae_recon, dataset, "the autoencoder's reconstruction"))
