"""What does each dimension mean? A 10-D VAE at β = 1 and at β = 4, each dimension traversed
from −3 to +3 and measured: its KL, its correlation with the strokes' measurements, and MIG."""

import math

import numpy as np
import streamlit as st

from ui import catalog, frame, settings, widgets
from vae_core import dimensions
from vae_core.data import class_names
from vae_core.images import mosaic

frame.context()  # MNIST only: the runs of checkpoints/study/
BETA, DIGIT = frame.setting("beta"), frame.setting("image")
F = catalog.figures_file("dimensions_mnist")
RUNS = {f"{b:g}": name for name, b in dimensions.MODELS.items()}  # β → "study/<name>"
STEPS = np.linspace(-dimensions.REACH, dimensions.REACH, 7)
NAMES = class_names("mnist")

st.header("What does each dimension mean?")
frame.intro(
    "A β-VAE weighs the KL term β times: the hope is that each latent dimension then carries one "
    "property of the digit. Here the same 10-D VAE (an MLP, 20 epochs) is trained at β = 1 and at "
    "β = 4, and every dimension is moved on its own from −3 to +3, with its cost (KL), its "
    "correlation with the strokes as Morpho-MNIST measures them, and what moving it does to the "
    "decoded digits, all measured on the test set."
)
if not F.get("models") or any(catalog.study_model(n.split("/", 1)[1]) is None for n in RUNS.values()):
    st.error("This page needs checkpoints/eval/dimensions_mnist.json (`python -m vae_core.dimensions`) "
             "and the two runs of checkpoints/study/ (checkpoints/INDEX.md lists their commands).")
    st.stop()
frame.declare(BETA, DIGIT)
controls, picture = frame.slots()
beta = settings.radio(BETA, "β", controls, format_func="β = {}".format, horizontal=True)
name = RUNS[beta].split("/", 1)[1]
m, model, at = F["models"][RUNS[beta]], catalog.study_model(name), catalog.study_atlas(name)
if at is None:
    widgets.no_data_notice("mnist")
    index, z = None, np.zeros(m["latent_dim"], np.float32)
else:
    with controls:
        index = widgets.test_image_picker(DIGIT, at, "mnist")
    z = at.mu[index]
fx = dimensions.facts(m)
order, d = fx["order"], len(fx["order"])  # most KL first
grid = dimensions.traversal_rows(model, z, order, steps=len(STEPS))


def change(a: str, j: int) -> str:
    v = m["traversal"]["change"][a][j]
    return f"{math.degrees(v):+.0f}°" if a == "slant" else f"{v:+.1f} px"


with picture:
    c1, c2 = st.columns([2, 3])
    with c1:
        what = "the test digit's code" if index is not None else "the prior's mean"
        widgets.show_digit(mosaic(grid, len(STEPS), pad=1, fill=0.3),
                           f"a row per dimension, in the table's order; columns −3 … +3; the rest {what}",
                           f"dims_{beta}_{index}", scale=2,
                           alt=f"each of the {d} dimensions of the β = {beta} VAE moved from −3 to +3")
    with c2:
        widgets.table([{"dim": f"z{j + 1}", "KL nats": m["kl"][j],
                        "in use": "yes" if m["active"][j] else "no",
                        "tracks most (r)": f"{fx['tracks'][j]} ({m['correlation'][fx['tracks'][j]][j]:+.2f})",
                        "−3 → +3: slant": change("slant", j), "thickness": change("thickness", j),
                        "digit changes": f"{m['traversal']['class_changed'][j]:.0%}"} for j in order])
used, slant, thick = fx["used"], fx["carrier"]["slant"], fx["carrier"]["thickness"]
moved, calm = {j: m["traversal"]["class_changed"][j] for j in used}, fx["calm"]
frame.say(
    f"**At β = {beta}** the model uses {len(used)} of its {d} dimensions (KL {m['kl_total']:.1f} nats "
    "in all)" + ("; the others sit at the prior, and moving them changes nothing you can see. "
                 if len(used) < d else ". ")
    + f"Slant is carried most by z{slant + 1} (r = {m['correlation']['slant'][slant]:+.2f}; from −3 to "
    f"+3 it changes the slant by {change('slant', slant)}), thickness by z{thick + 1} (r = "
    f"{m['correlation']['thickness'][thick]:+.2f}, {change('thickness', thick)}). Moving a dimension "
    f"in use also changes which digit the judge reads, for {min(moved.values()):.0%} to "
    f"{max(moved.values()):.0%} of {m['traversal']['sample']} test digits: "
    + (f"the closest to pure style is z{calm + 1} ({moved[calm]:.0%}), and no dimension is style alone."
       if moved[calm] >= 0.1 else f"z{calm + 1} keeps the digit ({moved[calm]:.0%} change): style alone."))

st.subheader("Which dimension tracks which measurement")
widgets.table([{"dim": f"z{j + 1}", **{a: (f"**{r[j]:+.2f}**" if abs(r[j]) >= 0.5 else f"{r[j]:+.2f}")
                                        for a, r in m["correlation"].items()}} for j in order])
frame.say(f"Pearson's r between each dimension's posterior mean and each measurement, over the "
          f"{F['test_images']:,} test digits; |r| ≥ 0.5 in bold.")

st.subheader("One number per model: the mutual information gap")
one, four = (F["models"][RUNS[b]] for b in ("1", "4"))
c1, c2 = st.columns(2)
c1.metric("MIG at β = 1", f"{one['mig']['mig']:.3f}")
c2.metric("MIG at β = 4", f"{four['mig']['mig']:.3f}",
          delta=f"{four['mig']['mig'] - one['mig']['mig']:+.3f}")
widgets.table([{"measurement": a, "β = 1: best dim": f"z{one['mig']['best'][a] + 1}",
                "β = 1: gap": one["mig"]["gap"][a], "β = 4: best dim": f"z{four['mig']['best'][a] + 1}",
                "β = 4: gap": four["mig"]["gap"][a]} for a in one["mig"]["gap"]], digits=3)
better = four["mig"]["mig"] > one["mig"]["mig"]
shared = fx["shared"]
frame.say(
    "For each measurement: the information the best dimension has about it minus that of the "
    "second best, as a share of all there is to know (1: one dimension alone carries it; 0: two "
    "carry it equally); MIG is their mean (Chen et al. 2018). "
    + ("β = 4 pairs dimensions and measurements more cleanly than β = 1 " if better else
       "Here β = 4 pairs dimensions and measurements *less* cleanly than β = 1 ")
    + f"({four['mig']['mig']:.3f} against {one['mig']['mig']:.3f})"
    + (": " + "; ".join(f"at β = {beta}, {a} is tracked by " + " and ".join(
        f"z{j + 1} (r = {m['correlation'][a][j]:+.2f})" for j in js) for a, js in shared.items())
       + ", and the gap counts a measurement shared by two dimensions as not disentangled. " if shared
       else ". ")
    + ("Both scores are far from 1: the strokes' measurements are correlated with each other and "
       "with the digit, and a β-VAE on MNIST separates them only partly. "
       if max(one["mig"]["mig"], four["mig"]["mig"]) < 0.5 else "")
    + "Such scores vary with the seed as much as with β (Locatello et al. 2019): this is one run "
    "each, not a law.")
st.caption("`python -m vae_core.dimensions` (checkpoints/eval/dimensions_mnist.json): KL and correlations "
           f"over the {F['test_images']:,} test digits; traversals of {m['traversal']['sample']} seeded "
           "test digits' codes, decoded, measured (vae_core.morpho) and read by the judge. MIG: "
           f"codes and measurements in {F['bins']} bins, as disentanglement_lib estimates it.")
