"""Autoencoder vs VAE: the same network with and without the KL term, measured where they differ."""

import streamlit as st

from ui import catalog, charts, figures, frame, live, settings, widgets
from vae_core import latent, posterior
from vae_core.config import NUM_CLASSES
from vae_core.data import class_names

ctx = frame.context()
dataset = ctx.dataset
figs = catalog.figures_file(f"contrast_{dataset}")
pairs = {d: catalog.pair(dataset, int(d)) for d in sorted(figs.get("pairs", {}), key=int)}
if not pairs or None in sum(pairs.values(), ()):
    st.error("This page needs an autoencoder/VAE pair and `python -m vae_core.recipes contrast`.")
    st.stop()
PAIR = frame.setting("pair").bound(options=tuple(pairs), default=next(iter(pairs)))
SEED = frame.setting("seed")
names = class_names(dataset)

st.header("Autoencoder vs VAE")
is_live = live.enabled(*sum(pairs.values(), ()))
frame.intro("Both models have the same encoder and decoder; only the VAE encodes to a distribution "
            "and pays the KL term that pulls it towards the prior N(0, I)."
            + (" **Move the pointer over either map**: the same relative spot is decoded through "
               "both." if is_live else ""))
frame.declare(PAIR, SEED)
controls, picture = frame.slots()  # on a projector the samples come first: the decisive picture
c1, c2 = controls.columns([3, 1], vertical_alignment="bottom")
dim = settings.radio(PAIR, "Latent size", c1, horizontal=True, format_func=lambda d: f"{d}-D pair")
seed = settings.number_input(SEED, "Seed", c2)
vae, ae = pairs[dim]
f = figs["pairs"][dim]
v, a = f["vae"]["prior"], f["ae"]["prior"]
rarest = min(range(NUM_CLASSES), key=lambda c: a["class_share"][c])

with picture:
    st.subheader("Draw z from N(0, I) and decode it")
    for col, meta in zip(st.columns(2), (vae, ae)):
        with col:
            mosaic, alt = figures.cached(["prior", meta["name"], int(seed)], lambda m=meta: (
                latent.prior_mosaic(catalog.model(m), int(seed)), widgets.reading_of_many(
                    latent.decode(catalog.model(m), latent.prior_z(m["latent_dim"], int(seed))),
                    dataset, f"64 samples from N(0, I) decoded by the {catalog.label(m)}")))
            widgets.show_digit(mosaic, f"{catalog.label(meta)}: 64 samples z ~ N(0, I)",
                               f"prior_{meta['name']}", scale=4, alt=alt)
frame.say(
    f"The prior is the VAE's generative model: over {figs['n_samples']:,} samples it draws "
    f"every class {min(v['class_share']):.0%}–{max(v['class_share']):.0%} of the time "
    f"({v['entropy_bits']:.2f} of {figs['max_bits']:.2f} bits), and the judge reads "
    f"**{v['confident']:.0%}** of them confidently. The autoencoder was never asked to put its codes "
    f"anywhere in particular: the same z give **{a['confident']:.0%}** confident pictures, "
    f"{max(a['class_share']):.0%} of them read as {names[a['class_share'].index(max(a['class_share']))]} "
    f"and {a['class_share'][rarest]:.2%} as {names[rarest]}. Fréchet distance to the real test "
    f"images in the judge's features: **{v['frechet']:.0f}** against **{a['frechet']:.0f}** "
    f"(two halves of the test set: {figs['real_frechet_floor']:.0f}).")

st.subheader("Where the codes sit")
rings = [{"uv": posterior.plane_ellipse(catalog.atlas(m).plane, [0.0] * int(dim),
                                        [1.0] * int(dim), 2), "dash": True} for m in (vae, ae)]
live.latent_map([{"meta": m, "title": catalog.label(m), "paths": [r]} for m, r in zip((vae, ae), rings)],
                dataset, "contrast_map", live=is_live, max_size=400, digit_size=168)
cv, ca = f["vae"]["codes"], f["ae"]["codes"]
frame.say(
    f"The KL term pulls the VAE's codes towards the prior: a Gaussian "
    f"fitted to its test codes is **{cv['kl_fitted_to_prior']:.2f} nats** from N(0, I)"
    + (", almost the prior itself" if cv["kl_fitted_to_prior"] < 0.5 else
       ", much closer than the autoencoder's but not the prior itself")
    + f", and 99% of them lie within ±{cv['abs_p99']:.1f}. The autoencoder's are "
    f"**{ca['kl_fitted_to_prior']:.0f} nats** away and spread to ±{ca['abs_p99']:.0f}"
    + (": on its map the prior's 2σ circle (dashed) is a small patch." if ca["abs_p99"] > 2 * cv["abs_p99"]
       else "."))
charts.grouped_bars(list(names), [(catalog.label(vae), v["class_share"], figures.COLORS[0]),
                                  (catalog.label(ae), a["class_share"], figures.COLORS[1])],
                    f"share of {figs['n_samples']:,} samples").show(
    "Class shares of decoded prior samples. " + "; ".join(
        f"{catalog.label(m)}: " + ", ".join(f"{name} {share:.0%}" for name, share in zip(
            names, f[k]["prior"]["class_share"])) for k, m in (("vae", vae), ("ae", ae))))

st.subheader("Where they are alike")
frame.say(
    "The slogan says a plain autoencoder's space has gaps. Measured, the difference is smaller "
    f"than that: a grid over the region their codes fill decodes to a confident picture at "
    f"{f['vae']['grid']['confident']:.0%} of its points for the VAE and "
    f"{f['ae']['grid']['confident']:.0%} for the autoencoder, and straight paths between two test "
    f"images change class {f['vae']['interpolation']['class_changes']:.1f} and "
    f"{f['ae']['interpolation']['class_changes']:.1f} times. In more dimensions an "
    "autoencoder sampled from a Gaussian fitted to its codes does nearly as well as the VAE "
    "(Ghosh et al. 2020, *From Variational to Deterministic Autoencoders*).")
widgets.table([{"pair": f"{d}-D", "model": kind, **{label: get(figs["pairs"][d][kind]) for label, get in (
    ("prior: confident", lambda m: f"{m['prior']['confident']:.0%}"),
    ("prior: Fréchet", lambda m: f"{m['prior']['frechet']:.0f}"),
    ("fitted Gaussian: Fréchet", lambda m: f"{m['fitted']['frechet']:.0f}"),
    ("map grid: confident", lambda m: f"{m['grid']['confident']:.0%}"),
    ("path: class changes", lambda m: f"{m['interpolation']['class_changes']:.1f}"))}}
    for d in pairs for kind in ("vae", "ae")])
st.caption(f"From `{figs['command']}` (checkpoints/eval/contrast_{dataset}.json): "
           f"{figs['n_samples']:,} samples each, a {figs['grid']} × {figs['grid']} grid over each map's "
           f"region, {figs['paths']} paths of {figs['steps']} steps between seeded test digits of "
           f"different classes; the judge's threshold is {figs['threshold']}.")
