"""Interpolate: walk the latent space from one test digit to another, in the VAE and its twin."""

import streamlit as st

from ui import catalog, frame, live, settings, widgets
from vae_core import latent
from vae_core.images import mosaic

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at, m = catalog.atlas(meta), catalog.model(meta)
twin = catalog.twin(meta)
A = frame.setting("a").bound(default=at.index_of(1, 0), hi=len(at.labels) - 1)
B = frame.setting("b").bound(default=at.index_of(7, 0), hi=len(at.labels) - 1)
STEPS = frame.setting("steps")
SEED = frame.setting("seed")

st.header("Interpolate between two digits")
measured = ""
pair = catalog.figures_file(f"contrast_{dataset}").get("pairs", {}).get(str(at.latent_dim))
if pair and meta["name"] in (pair["vae"]["name"], pair["ae"]["name"]):
    v, a = pair["vae"]["interpolation"], pair["ae"]["interpolation"]
    measured = (
        f" The slogan says a plain autoencoder's path falls into gaps between the clusters. "
        f"Measured over {v['pairs']} seeded paths of {v['steps']} steps between test digits of "
        f"different classes ({at.latent_dim}-D pair), the judge reads a confident digit at "
        f"{v['confident']:.0%} of the VAE's steps and {a['confident']:.0%} of the autoencoder's, "
        f"and the class changes {v['class_changes']:.1f} times along the VAE's paths against "
        f"{a['class_changes']:.1f} along the autoencoder's: "
        + ("between two real codes the autoencoder's paths stay on digits as well as the VAE's. "
           if a["confident"] >= v["confident"] - 0.05 else "the autoencoder's paths leave the "
           "digits more often. ")
        + "Where the two differ is away from the codes: see *Autoencoder vs VAE*.")
frame.intro("Pick two test images; the strip decodes evenly spaced points on the straight line "
            "(and on the arc) between their codes." + measured)
frame.declare(A, B, STEPS, SEED)


def randomize():
    st.session_state[A.key], st.session_state[B.key] = latent.random_pair(
        at.labels, settings.advance(SEED))


def on_click():
    """A click on a test point moves endpoint A, then B, then A again."""
    click = live.clicked("interp_map")
    if click is not None and click["index"] is not None:
        which = st.session_state.get("interp_next", "A")
        st.session_state[(A if which == "A" else B).key] = click["index"]
        st.session_state["interp_next"] = "B" if which == "A" else "A"


controls, picture = frame.slots()
with controls:
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    with c1:
        frame.say("**From**")
        ia = widgets.test_image_picker(A, at, dataset)
    with c2:
        frame.say("**To**")
        ib = widgets.test_image_picker(B, at, dataset)
    settings.number_input(SEED, "Seed", c3)
    c3.button("Random pair", on_click=randomize, icon=":material/shuffle:")
    steps = settings.slider(STEPS, "Steps")

lin = latent.interpolate(at.mu[ia], at.mu[ib], steps, "linear")
sph = latent.interpolate(at.mu[ia], at.mu[ib], steps, "spherical")
strips = {f"{catalog.label(meta)}, linear": latent.decode(m, lin),
          f"{catalog.label(meta)}, spherical": latent.decode(m, sph)}
ends = [{"uv": at.uv[ia], "text": "A", "symbol": "circle"},
        {"uv": at.uv[ib], "text": "B", "symbol": "circle"}]
panels = [{"meta": meta, "title": catalog.label(meta), "marks": ends, "paths": [
    {"uv": at.plane.to_plane(lin)}, {"uv": at.plane.to_plane(sph), "color": "#666", "dash": True}]}]
if twin:
    tat = catalog.atlas(twin)
    twin_lin = latent.interpolate(tat.mu[ia], tat.mu[ib], steps, "linear")
    strips[f"{catalog.label(twin)}, linear"] = latent.decode(catalog.model(twin), twin_lin)
    panels.append({"meta": twin, "title": f"{catalog.label(twin)}: the same two images",
                   "marks": [{"uv": tat.uv[ia], "text": "A", "symbol": "circle"},
                             {"uv": tat.uv[ib], "text": "B", "symbol": "circle"}],
                   "paths": [{"uv": tat.plane.to_plane(twin_lin)}]})
with picture:  # the strips are the lesson; the map shows where the paths run
    for i, (caption, frames) in enumerate(strips.items()):
        widgets.show_digit(mosaic(frames, steps, pad=2, fill=0.25), caption, f"strip_{i}", scale=4,
                           alt=widgets.reading_of_many(frames, dataset, f"{caption}: {steps} steps "
                                                       "from A to B"))
    frame.say(f"Solid: the straight line; dashed: the arc. Clicks on dots move the endpoints in "
                f"turn: **the next click moves {st.session_state.get('interp_next', 'A')}**.")
    live.latent_map(panels, dataset, "interp_map", linked=False, on_click=on_click, max_size=440)
first = next(iter(strips.values()))
st.download_button("Animated GIF of the morph", widgets.gif(first), file_name="morph.gif",
                   mime="image/gif", icon=":material/animation:")
