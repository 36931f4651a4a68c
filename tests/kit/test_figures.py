"""The latent map's figures: built once, sent as prebuilt JSON, identical to a fresh build."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui import catalog, figures

VAE = {"path": str(catalog.CHECKPOINTS / "mnist_vae_2d.safetensors")}


def _fresh(at, marks=None, paths=None, **options) -> dict:
    """What the page used to send: one figure object with every trace, serialised by Plotly."""
    fig = figures._base_map(at, "mnist", **options)
    for trace in figures._overlay(marks, paths).data:
        fig.add_trace(trace)
    return json.loads(pio.to_json(fig, validate=False))


def test_a_map_with_marks_and_paths_is_what_a_fresh_figure_serialises_to():
    at = catalog.atlas(VAE)
    marks = [{"uv": np.array([0.5, -0.5], np.float32), "text": "z"}]
    paths = [{"uv": np.array([[0, 0], [1, 1], [2, 0]], np.float32), "mode": "lines", "dash": "dash"}]
    fig = figures.latent_map(at, "mnist", marks=marks, paths=paths, height=400)
    sent = json.loads(pio.to_json(fig.to_dict(), validate=False))  # as st.plotly_chart does
    assert sent == _fresh(at, marks, paths, height=400)
    data = sent["data"]
    assert len(data) == 1 + 10 + 2  # click grid, ten classes, the path, the mark
    assert data[-1]["x"] == [0.5] and data[-1]["y"] == [-0.5] and data[-1]["text"] == ["z"]
    assert data[-2]["line"]["dash"] == "dash" and sent["layout"]["height"] == 400


def test_maps_share_their_base_and_do_not_leak_marks_into_each_other():
    at = catalog.atlas(VAE)
    one = figures.latent_map(at, "mnist", marks=[{"uv": np.array([1.0, 2.0])}]).to_dict()
    two = figures.latent_map(at, "mnist", marks=[{"uv": np.array([3.0, 4.0])}]).to_dict()
    plain = figures.latent_map(at, "mnist").to_dict()
    assert one["data"][-1]["x"] == [1.0] and two["data"][-1]["x"] == [3.0]
    assert len(plain["data"]) == 11 and len(one["data"]) == len(two["data"]) == 12
    assert one["data"][5] is two["data"][5] is plain["data"][5]  # one copy of the 10,000 points
    assert figures.latent_map(at, "mnist", marks=[{"uv": np.array([1.0, 2.0])}]).to_dict() is one


def test_frozen_figures_of_other_charts_keep_their_content():
    fig = figures.figure(["test-bar"], lambda: go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
    assert isinstance(fig, go.Figure)
    spec = fig.to_dict()
    assert spec["data"][0]["type"] == "bar" and spec["data"][0]["y"] == [3, 4]
    assert figures.figure(["test-bar"], lambda: None) is fig  # built once
