"""Is my loss good? One loss in every unit tutorials print, the likelihood it assumes, and the
literature's number beside ours."""

import streamlit as st

from ui import catalog, frame, settings, widgets
from vae_core import bookkeeping as bk

ctx = frame.context()  # MNIST: the shipped models' test figures; the sidebar's VAE
UNIT, VALUE = frame.setting("unit"), frame.setting("loss")
F = catalog.figures_file("loss_bookkeeping")

st.header("Is my loss good?")
frame.intro(
    "One tutorial prints 0.13, another 105, for the same kind of model. Both can be right: they "
    "are the same loss in different units. This app reports **nats per image**: the Bernoulli "
    "reconstruction term summed over the 784 pixels plus the KL summed over the latent "
    "dimensions, averaged over images, as Kingma & Welling and Burda et al. do."
)
frame.declare(UNIT, VALUE)
c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
value = settings.number_input(VALUE, "Your loss", c1, step=0.01, format="%.4f")
unit = settings.radio(UNIT, "as printed, in", c2, horizontal=True)
nats = {"nats per image": value, "nats per pixel": bk.per_image(value),
        "bits per dimension": bk.nats_from_bits_per_dim(value)}[unit]
shipped = [(catalog.by_name(n), catalog.eval_figures(n).get("neg_elbo"))
           for n in ("mnist_vae_2d", "mnist_vae_16d", "mnist_vae_20d")]
ignoring = F["runs"]["mean"]["test"]["neg_elbo"] if F else None
frame.say(
    f"**{value:g} {unit}**" + ("" if unit == "nats per image" else f" = **{nats:.1f} nats per image**")
    + f" = {bk.per_pixel(nats):.4f} nats per pixel "
    f"= {bk.bits_per_dim(nats):.4f} bits per dimension. For scale, on the 10,000 test images: "
    + ", ".join(f"the {m['latent_dim']}-D VAE {v:.1f}" for m, v in shipped if m and v)
    + " nats per image (lower is better)"
    + (f", and a model that ignores its input entirely scores {ignoring:.1f} (the collapsed run of "
       "Sum or mean? Collapse)." if ignoring else ".")
    + (" Yours is no better than that: its posterior has probably collapsed." if ignoring
       and nats >= ignoring - 1 else "")
)
meta = ctx.model
if meta is not None:
    st.subheader("How many of its latent units does a model use?")
    n, variances = bk.active_units(catalog.atlas(meta).mu)
    test = catalog.eval_figures(meta["name"]) or meta.get("test") or {}
    frame.say(
        f"**{catalog.label(meta)}** (the sidebar's model: a model you trained on *Train one now* is "
        f"offered there too) uses **{n} of {meta['latent_dim']}** latent units: the active units, whose "
        f"encoder mean varies over the 10,000 test images by more than {bk.ACTIVE} (variance)"
        + (f". Its test −ELBO is {test['neg_elbo']:.1f} nats per image, "
           f"{bk.per_pixel(test['neg_elbo']):.4f} per pixel." if test.get("neg_elbo") else ".")
        + (" None: its posterior has collapsed." if n == 0 else ""))
    st.code("from vae_core.bookkeeping import active_units  # for a model trained elsewhere\n"
            "n, variances = active_units(mu)  # mu: E_q[z] of each test image, one row per image",
            language=None)  # plain: the highlighter's colours fail WCAG contrast (axe)
if not F:
    st.error("Run `python -m vae_core.study bookkeeping` for the rest of this page.")
    st.stop()
ref = F["runs"]["reference"]["test"]
st.subheader("One model, every convention")
widgets.table([{"convention": k, "the shipped 16-D VAE prints": v} for k, v in F["conventions"].items()],
              digits=4)
frame.say(
    f"The same model, the same test images: −ELBO {ref['neg_elbo']:.2f} nats per image (reconstruction "
    f"{ref['recon']:.2f} + KL {ref['kl']:.2f}). A tutorial that averages over pixels prints about "
    f"{bk.per_pixel(ref['neg_elbo']):.3f}: that is the “0.13”. One that averages the reconstruction "
    f"but sums the KL prints {bk.mean_over_pixels_loss(ref['recon'], ref['kl']):.3f} for this model, and "
    f"*training* with that loss is β = 784: see **Sum or mean? Collapse**."
)

st.subheader("Which likelihood?")
lik = F["likelihoods"]
frame.say(
    f"“Reconstruction in nats” depends on the likelihood you assume. MNIST pixels are grey values in "
    f"[0, 1]; the Bernoulli (binary cross-entropy) treats each as a coin flip, which is a density only "
    f"for pixels that are exactly 0 or 1. Read as a continuous Bernoulli (Loaiza-Ganem & Cunningham "
    f"2019), a proper density on [0, 1], the same decoder outputs of the shipped 16-D VAE score "
    f"**{lik['continuous_bernoulli']:.1f}** nats per image instead of {lik['bernoulli']:.1f} (one draw of "
    f"z per test image)"
    + (": negative, because a density over grey values can exceed 1, where a probability cannot. "
       if lik["continuous_bernoulli"] < 0 else ". ")
    + "Neither number is wrong; they measure different things, so compare a loss only with losses "
    "under the same likelihood."
)

b = F.get("binarized")
if b:
    st.subheader("Beside the literature")
    k_max = max(b["iw"], key=int)
    frame.say(
        f"Published log-likelihoods use *binarized* MNIST, where the Bernoulli is a true likelihood. "
        f"Trained on dynamically binarized images (a new coin flip per pixel each epoch) for "
        f"{b['epochs']} epochs, a {b['latent_dim']}-D VAE here reaches −log p(x) ≤ **{b['iw'][k_max]:.2f}** "
        f"nats by {int(k_max):,} importance samples on a seeded subset of {b['subset']:,} test images "
        f"(one fixed binarization), with {b['active_units']} of {b['latent_dim']} units active. Burda "
        f"et al. (2016, Table 1) report {b['burda'][0]['nll']:.2f} for their one-layer VAE after "
        f"{b['burda_epochs']:,} epochs, with {b['burda'][0]['active']} active units: ours is "
        f"{b['iw'][k_max] - b['burda'][0]['nll']:.1f} nats behind, after "
        f"{b['epochs'] / b['burda_epochs']:.1%} of their training (and with another network: 512 and 256 "
        f"ReLU units where theirs has 200 and 200 tanh)."
    )
    widgets.table([{"importance samples k": f"{int(k):,}", f"−log p(x) bound, {b['subset']:,} images": v,
                    "all 10,000 images": b["iw_full"].get(k)} for k, v in b["iw"].items()])
    widgets.table([{"Burda et al. 2016": f"{r['model']}, trained with k = {r['train_k']}",
                    "−log p(x), k = 5,000": r["nll"], "active units": r["active"]} for r in b["burda"]])
st.caption("Nats per image on MNIST's test set. `python -m vae_core.study bookkeeping` "
           "(checkpoints/eval/loss_bookkeeping.json); the conversions: vae_core.bookkeeping.")
