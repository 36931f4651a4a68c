"""Latent Lab: the frame around every page. `streamlit run app.py` serves `app` (an st.App,
whose start-up declares the navigation before the first request, and whose middleware
compresses Streamlit's bundles and steadies the first paint); each session's script run
executes this file as __main__, which draws the frame and runs the page (ui.frame.run)."""

import streamlit as st

from ui import frame

if __name__ == "__main__":
    frame.run()
else:
    from starlette.middleware import Middleware

    from ui.server import Responses

    app = st.App(__file__, lifespan=frame.lifespan, middleware=[Middleware(Responses)])
