"""Latent Lab: the frame around every page. `streamlit run app.py` serves `app` (an st.App,
whose start-up declares the navigation before the first request and warms the engine up beside
the server, and whose middleware compresses Streamlit's bundles and steadies the first paint);
each session's script run executes this file as __main__, which draws the frame and runs the
page (ui.frame.run). The server's import stays light (no torch): see ui.server."""

import streamlit as st

if __name__ == "__main__":
    from ui import frame

    frame.run()
else:
    from starlette.middleware import Middleware

    from ui.server import Responses, lifespan, start_warming

    start_warming()
    app = st.App(__file__, lifespan=lifespan, middleware=[Middleware(Responses)])
