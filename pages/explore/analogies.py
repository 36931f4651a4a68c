"""Digit analogies: "this 3 is to that 3 as this 7 is to …", answered by arithmetic on codes,
c + (b − a), and the answer measured."""

import math

import numpy as np
import streamlit as st

from ui import catalog, figures, frame, widgets
from vae_core import attributes, latent, morpho
from vae_core.data import class_names
from vae_core.families import of
from vae_core.images import mosaic

ctx = frame.context()  # MNIST models, the conditional VAEs too
meta = ctx.model
at, model = catalog.atlas(meta), catalog.model(meta)
NAMES = class_names("mnist")

st.header("Digit analogies")
frame.intro(
    "“This 3 is to that 3 as this 7 is to …?” Take the codes a and b of two digits and c of a "
    "third: the answer is the code c + (b − a), decoded. If the latent space keeps the "
    "handwriting apart from the digit, what turns this 3 into that 3 (bolder, slanted) turns the "
    "7 into a bolder, slanted 7. The strokes of all four pictures are measured, as on Attribute "
    "vectors, to see whether it did."
)
measured = catalog.morphometrics("mnist")
if measured is None:
    st.error("This page needs the test set's measurements: `python -m vae_core.morpho --dataset mnist "
             "--out checkpoints/atlas/mnist_morpho.npz`.")
    st.stop()
thin, bold = attributes.example_pair(measured["values"], measured["labels"], 3)
A, B, C = (frame.setting(u).bound(default=d)
           for u, d in (("image", thin), ("b", bold), ("c", at.index_of(7, 0))))
frame.declare(A, B, C)
controls, picture = frame.slots()
with controls:
    picks = []
    for setting, title, col in zip((A, B, C), ("this", "is to that", "as this"), st.columns(3), strict=True):
        col.markdown(f"**{title} …**")
        picks.append(widgets.test_image_picker(setting, at, "mnist", where=col))
ia, ib, ic = picks
labels = at.labels[[ia, ib, ic]].astype(int)
za, zb, zc = at.mu[[ia, ib, ic]].astype(np.float32)
y = (*labels, labels[2]) if of(meta).conditional else None  # the answer is drawn as c's class
shown = latent.decode(model, np.stack([za, zb, zc, attributes.analogy(za, zb, zc)]), y=y)
m = figures.cached(("analogy_m", shown), lambda: morpho.measure_many(shown))
read, p = (lambda r: (int(r.argmax()), float(r.max())))(latent.judge_probabilities(
    catalog.model(catalog.judge("mnist")), shown[3:])[0])


def change(i: int, j: int) -> str:
    parts = []
    for a in attributes.ATTRIBUTES:
        k = morpho.ATTRIBUTES.index(a)
        d = m[j, k] - m[i, k]
        parts.append(f"{a} {math.degrees(d):+.0f}°" if a == "slant" else f"{a} {d:+.1f} px")
    return ", ".join(parts)


with picture:
    a, b, c = (NAMES[v] for v in labels)
    widgets.show_digit(mosaic(shown, 4, pad=2, fill=0.3), f"this {a} : that {b} :: this {c} : the answer",
                       f"analogy_{meta['name']}_{ia}_{ib}_{ic}", scale=5,
                       alt=f"four decoded digits: a {a}, another {b}, a {c}, and the answer")
    frame.say(f"**Measured:** from this {a} to that {b}: {change(0, 1)}. From this {c} to the answer: "
              f"**{change(2, 3)}**. The judge reads the answer as **a {NAMES[read]} ({p:.0%})**"
              + (f", the class of this {c}." if read == labels[2] else f", not a {c}: the step b − a "
                 "carried more than the handwriting."))

st.subheader("Over many analogies")
fig = catalog.figures_file("attributes_mnist")
rows = [{"model": catalog.label(e) if (e := catalog.by_name(n)) else n,
         **{f"{a}: r": v["analogies"]["attributes"][a]["r"] for a in attributes.ATTRIBUTES},
         "changed the same way": np.mean([x["same_way"] for x in v["analogies"]["attributes"].values()]),
         "answer keeps c's class": f"{v['analogies']['class_kept']:.0%}"}
        for n, v in fig.get("models", {}).items() if "analogies" in v]
if not rows:
    frame.say("Not measured yet: `python -m vae_core.attributes` measures the shipped MNIST models.")
    st.stop()
widgets.table([{**r, "changed the same way": f"{r['changed the same way']:.0%}"} for r in rows])
mine = fig["models"].get(meta["name"], {}).get("analogies")
frame.say(
    f"Each row: {fig['analogies']:,} seeded analogies (a and b of one class, c of another). **r** is "
    "the correlation of the change from a to b with the change from c to the answer, per attribute "
    "(1: the answer changed exactly as b did; 0: no relation); **the same way**: the share of "
    "changes with the same sign (chance: 50%)."
    + (f" For {catalog.label(meta)}: the answer keeps c's class for {mine['class_kept']:.0%} of the "
       "analogies." if mine else f" {catalog.label(meta)} was not measured."))
found = {n: (v["analogies"], of(e).conditional, catalog.label(e))
         for n, v in fig["models"].items() if "analogies" in v and (e := catalog.by_name(n))}
plain = {n: a for n, (a, c, _) in found.items() if not c}
if plain and len(plain) < len(found):
    kept = sorted(a["class_kept"] for a in plain.values())
    slant = {n: a["attributes"]["slant"]["r"] for n, a in plain.items()}
    lo, hi = min(slant, key=slant.get), max(slant, key=slant.get)
    frame.say(
        f"What the measurements say: in the models without a label, the answer keeps c's class for only "
        f"{kept[0]:.0%}–{kept[-1]:.0%} of the analogies. The step b − a between two digits of one class "
        "carries more than the handwriting (whatever makes one 3 differ from another as a 3), and added to a "
        "7 it can make another digit. The conditional VAEs, whose label carries the class (set to c's), "
        "keep it for "
        + " and ".join(f"{a['class_kept']:.0%} ({label})" for a, c, label in found.values() if c)
        + f". The slant carries over from r = {slant[lo]:.2f} ({found[lo][2]}) to {slant[hi]:.2f} "
        f"({found[hi][2]}): more dimensions leave more room to keep the handwriting apart from the digit.")
st.caption("`python -m vae_core.attributes` (checkpoints/eval/attributes_mnist.json): the analogies "
           "over seeded test triples; strokes measured as Morpho-MNIST does (vae_core.morpho).")
