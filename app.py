"""Latent Lab: the frame (page config, navigation, the shared sidebar) of the Streamlit app."""

import time

import streamlit as st

from pages import common

_started = time.perf_counter()

st.set_page_config(page_title="Latent Lab: explore a VAE's latent space", page_icon=":material/blur_on:",
                   layout="wide")

PAGES = {
    "Explore": [
        st.Page("pages/latent_map.py", title="Latent map", icon=":material/scatter_plot:",
                default=True),
        st.Page("pages/sliders.py", title="Sliders over z", icon=":material/tune:"),
        st.Page("pages/interpolate.py", title="Interpolate", icon=":material/timeline:"),
        st.Page("pages/ae_vs_vae.py", title="Autoencoder vs VAE", icon=":material/compare:"),
    ],
    "Lessons": [
        st.Page("pages/loss_terms.py", title="What each loss term does",
                icon=":material/balance:"),
        st.Page("pages/posterior.py", title="One image, a distribution",
                icon=":material/blur_circular:"),
        st.Page("pages/manifold.py", title="The manifold", icon=":material/grid_on:"),
        st.Page("pages/your_digit.py", title="Your own digit", icon=":material/draw:"),
        st.Page("pages/anomalies.py", title="Denoising and anomalies",
                icon=":material/troubleshoot:"),
    ],
}
page = st.navigation(PAGES)
st.session_state["model_meta"] = common.sidebar()[1]
try:
    with common.framed():
        page.run()
finally:  # benchmarks read the script's own run time (only when $LATENT_LAB_TIMINGS is set)
    common.record_run(page.url_path or "latent_map", time.perf_counter() - _started)
