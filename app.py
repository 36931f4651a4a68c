"""Latent Lab: the frame (page config, navigation, the shared sidebar) of the Streamlit app."""

import streamlit as st

from pages import common

st.set_page_config(page_title="Latent Lab: explore a VAE's latent space", page_icon=":material/blur_on:",
                   layout="wide")

PAGES = [
    st.Page("pages/latent_map.py", title="Latent map", icon=":material/scatter_plot:",
            default=True),
    st.Page("pages/sliders.py", title="Sliders over z", icon=":material/tune:"),
    st.Page("pages/interpolate.py", title="Interpolate", icon=":material/timeline:"),
    st.Page("pages/ae_vs_vae.py", title="Autoencoder vs VAE", icon=":material/compare:"),
]
page = st.navigation(PAGES)
st.session_state["model_meta"] = common.sidebar()[1]
st.session_state[common.FRAME_FLAG] = True
try:
    page.run()
finally:
    st.session_state[common.FRAME_FLAG] = False
