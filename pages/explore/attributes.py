"""Attribute vectors: make a digit bolder, slant it or widen it by moving its code along a
direction found from the test set's measurements; the decoded picture is measured too."""

import math

import numpy as np
import streamlit as st

from ui import catalog, figures, frame, live, widgets
from vae_core import attributes, latent, morpho
from vae_core.data import class_names

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at, model = catalog.atlas(meta), catalog.model(meta)
names = class_names(dataset)
DIGIT = frame.setting("image").bound(default=at.index_of(3, 0), hi=len(at.labels) - 1)
URLS = {"thickness": "bold", "slant": "slant", "width": "wide"}
STEPS = {a: frame.setting(url) for a, url in URLS.items()}
OPTIONS = tuple(round(x, 2) for x in np.arange(STEPS["thickness"].lo, STEPS["thickness"].hi + 0.01, 0.25))

st.header("Attribute vectors")
frame.intro(
    "A generative model turns a description into an image. Here the description is a direction "
    "in the latent space: the mean code of a class's boldest fifth minus that of its thinnest "
    "fifth, averaged over the ten classes (likewise for slant and width), so that moving along it "
    "changes the stroke and not the digit. The strokes are measured as Morpho-MNIST does "
    "(Castro et al. 2019), on the test digits to find the directions, and on the decoded picture "
    "to check that it changed as asked."
)
if (measured := catalog.morphometrics(dataset)) is None:
    st.error("This page needs `python -m vae_core.morpho --dataset mnist --out "
             "checkpoints/atlas/mnist_morpho.npz`.")
    st.stop()
frame.declare(DIGIT, *STEPS.values())
vectors = figures.cached(("attr_vectors", meta["name"], at.mu), lambda: attributes.vectors(at.mu, measured))
judge = catalog.model(catalog.judge(dataset))
controls, picture = frame.slots()
spot, on_map_click = widgets.map_spot("attr_map", "attr", meta["name"])  # a click on the map below
with controls:
    index, x, _ = widgets.chosen_digit(DIGIT, at, dataset, judge, "attr", spot=spot is not None)
    if index is None and x is None and st.session_state["attr_source"] != widgets.SPOT:
        st.stop()
    z0 = (at.mu[index] if index is not None else latent.encode(model, x[None])[0][0] if x is not None
          else at.plane.to_latent(spot)[0]).astype(np.float32)
    steps = dict(zip(STEPS, widgets.steps_along(
        meta, z0, [vectors[a] for a in STEPS], [f"{lo} ↔ {hi}" for lo, hi in attributes.ATTRIBUTES.values()],
        list(STEPS.values()), OPTIONS, "attr_live"), strict=True))
z1 = z0 + sum(np.float32(steps[a]) * vectors[a].astype(np.float32) for a in vectors)
before, after = latent.decode(model, np.stack([z0, z1]))
m0, m1 = (figures.cached(("attr_measure", p), lambda p=p: morpho.measure(p)) for p in (before, after))
read0, read1 = (latent.judge_top(judge, img, 1)[0] for img in (before, after))


def shown(a: str, m: dict) -> str:
    return f"{math.degrees(m[a]):.0f}°" if a == "slant" else f"{m[a]:.1f} px"


with picture:
    c1, c2, c3 = st.columns(3)
    with c1:
        if x is not None:
            widgets.show_digit(x, "your drawing" if index is None else f"test #{index}, a "
                               f"{names[at.labels[index]]}", "attr_source", scale=6, download=False)
    with c2:
        widgets.show_digit(before, "decoded from its code", "attr_before", scale=6,
                           alt=widgets.reading(before, dataset, "the digit decoded from its code"))
    with c3:
        widgets.show_digit(after, "decoded after the steps", "attr_after", scale=6,
                           alt=widgets.reading(after, dataset, "the digit after the steps"))
    frame.say(
        "**Measured on the two decoded pictures:** "
        + "; ".join(f"{a} {shown(a, m0)} → **{shown(a, m1)}**" for a in attributes.ATTRIBUTES)
        + f". The judge reads the first as a {names[read0[0]]} ({read0[1]:.0%}) and the second as "
        f"**a {names[read1[0]]} ({read1[1]:.0%})**"
        + ("." if read0[0] == read1[0] else ": the steps changed the digit, not only its stroke."))

st.subheader("The directions on the map")
tips = {a: attributes.arrow(at.plane, z0, vectors[a]) for a in vectors}
mark = f"#{index}" if index is not None else "yours" if x is not None else "spot"
live.latent_map([{"meta": meta, "marks": [{"uv": at.plane.to_plane(z0)[0], "text": mark}] + [
    {"uv": tips[a][1], "text": attributes.ATTRIBUTES[a][1], "symbol": "circle"} for a in tips],
    "paths": [{"uv": tips[a], "color": "#000", "width": 3, "dash": i == 1} for i, a in enumerate(tips)]}],
    dataset, "attr_map", max_size=440, on_click=on_map_click)
frame.say("Each arrow is one step (+1) from this digit's code along a direction, to where the label "
          "names" + (": the map's plane is the codes' first two principal components, so a step in "
                     f"{at.latent_dim} dimensions shows as its shadow on it." if at.latent_dim > 2 else ".")
          + " Click the map to start from any spot on it.")

st.subheader("Over 1,000 test digits")
effects = catalog.figures_file("attributes_mnist")
entry = effects.get("models", {}).get(meta["name"])
if not entry:
    frame.say(f"{catalog.label(meta)} was not measured over the test set (`python -m vae_core.attributes` "
              "measures the shipped MNIST models).")
else:
    rows = []
    for a, v in entry["vectors"].items():
        for step, e in v["steps"].items():
            unit = "°" if a == "slant" else " px"
            change = math.degrees(e["mean_change"]) if a == "slant" else e["mean_change"]
            rows.append({"attribute": a, "step": step, "mean change": f"{change:+.2f}{unit}",
                         "moved the right way": f"{e['right_way']:.0%}",
                         "judge's class kept": f"{e['class_kept']:.0%}"})
    widgets.table(rows)
    kept = {a: min(e["class_kept"] for e in v["steps"].values()) for a, v in entry["vectors"].items()}
    worst = min(kept, key=kept.get)
    frame.say(
        f"Each of {effects['sample']:,} seeded test digits was moved one step (±1) from its code. "
        f"The measured attribute moved the way the step points for "
        + ", ".join(f"{min(e['right_way'] for e in v['steps'].values()):.0%} or more ({a})"
                    for a, v in entry["vectors"].items())
        + "".join(f" ({a}: hardly better than a coin flip)" for a, v in entry["vectors"].items()
                  if min(e["right_way"] for e in v["steps"].values()) < 0.7)
        + f". The class holds least along {worst}: the judge keeps it for {kept[worst]:.0%} of the digits"
        + (f". In {entry['latent_dim']} dimensions the class and the strokes share the same few "
           "coordinates, so a step along a stroke direction also moves digits across classes."
           if entry["latent_dim"] <= 2 else "."))
st.caption("Morphometrics: vae_core.morpho (scikit-image); directions and their measured effect: "
           "`python -m vae_core.attributes` (checkpoints/eval/attributes_mnist.json).")
