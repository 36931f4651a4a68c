"""Latent Lab's UI kit: Streamlit + the engine, shared by every page and knowing none of them.

- `registry`: the one list of pages (file, title, group, what each reads);
- `catalog`: cached models, atlases, test images and figures files, and what each model is for;
- `settings`: one declaration per page setting, feeding the URL, session state and widget;
- `frame`: the sidebar, presenter mode, and the server's start-up;
- `figures`: pictures and map overlays built once and shared (rings, points);
- `widgets`: digits, tables, pickers and notices;
- `live`: the browser-side components (maps, sliders, replays, drawing pad);
- `charts`: small SVG charts drawn on the server;
- `glossary`: the words the pages use, and links to them.
"""
