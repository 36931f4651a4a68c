"""What each loss term does: the same network trained with reconstruction only, KL only, both."""

import math

import streamlit as st

from ui import catalog, frame, live, settings, widgets
from vae_core import latent

frame.context()  # MNIST only: the ablations were trained on it


def name_of(weight: float) -> str:
    if weight == 0:
        return "reconstruction only (β = 0)"
    return "KL only" if math.isinf(weight) else "β = 1 (the VAE)" if weight == 1 else f"β = {weight:g}"


VARIANTS = {name_of(w): meta for w, meta in catalog.ablations()}
THREE = {"Reconstruction only": "reconstruction only (β = 0)", "KL only": "KL only",
         "Both: the VAE": "β = 1 (the VAE)"}
BETA = frame.setting("beta").bound(options=tuple(VARIANTS))
SEED = frame.setting("seed")

st.header("What each loss term does")
frame.intro(
    "The VAE's loss is **reconstruction + β · KL**. Reconstruction alone spreads the codes into "
    "separated, scattered clusters with gaps between them; the KL term alone pulls every code "
    "onto N(0, I), one blob where the classes mix; together they give compact clusters that "
    "keep their identity. Same network, same data: only the loss differs."
)
if not all(v in VARIANTS for v in THREE.values()):
    st.error("This page needs the shipped ablation checkpoints (reconstruction-only, KL-only and "
             "the 2-D VAE); see checkpoints/INDEX.md.")
    st.stop()
frame.declare(BETA, SEED)


def figures_line(meta: dict) -> str:
    f = catalog.eval_figures(meta["name"])
    if not f:
        return "not evaluated"
    return (f"test −ELBO **{f['neg_elbo']:.1f}** = reconstruction {f['recon']:.1f} "
            f"+ KL {f['kl']:.1f} nats")


live.latent_map([{"meta": VARIANTS[v], "title": title} for title, v in THREE.items()], "mnist",
                "loss_maps", linked=False, max_size=380)
for col, variant in zip(st.columns(3), THREE.values()):
    frame.say(figures_line(VARIANTS[variant]), col)

rec, kl, both = (catalog.eval_figures(VARIANTS[v]["name"]) for v in THREE.values())
prior = catalog.figures_file("contrast_mnist")
measured = prior.get("ablations", {})
rec_prior, rec_codes, kl_codes = (measured.get(VARIANTS[THREE[k]]["name"], {}).get(part) for k, part in (
    ("Reconstruction only", "prior"), ("Reconstruction only", "codes"), ("KL only", "codes")))
vae_prior = prior.get("pairs", {}).get("2", {}).get("vae", {}).get("prior")
if rec and kl and both and rec_prior and vae_prior and kl_codes:
    epochs = {VARIANTS[v].get("epochs") for v in THREE.values()}
    frame.say(
        f"**What the numbers show.** Reconstruction only leaves the codes wherever they help "
        f"reconstruction (note the axes): KL {rec['kl']:.1f} nats from the prior, 99% of them "
        f"within ±{rec_codes['abs_p99']:.0f}, so a z drawn from N(0, I) lands in a small patch "
        f"around 0. There they are still digits: the judge reads "
        f"{rec_prior['confident']:.0%} of {prior['n_samples']:,} such samples confidently "
        f"(the VAE's: {vae_prior['confident']:.0%}), and they cover the classes "
        + ("unevenly" if rec_prior["entropy_bits"] < vae_prior["entropy_bits"] - 0.2 else "about as evenly")
        + f" ({rec_prior['entropy_bits']:.2f} bits against the VAE's {vae_prior['entropy_bits']:.2f}, "
        f"of {prior['max_bits']:.2f}; "
        + ", ".join(f"{c}: {share:.0%}" for c, share in enumerate(rec_prior["class_share"]))
        + "). KL only "
        f"matches the prior exactly (KL {kl['kl']:.2f}: every μ lies within "
        f"±{kl_codes['abs_p99']:.0e} of 0, every σ is 1) and "
        f"ignores the image: reconstruction {kl['recon']:.1f} nats, the same average picture for "
        f"every input. The VAE spends {both['kl']:.1f} nats of KL for a space the prior covers, "
        f"reconstructs to {both['recon']:.1f} nats and has the best total: "
        f"{both['neg_elbo']:.1f} against {rec['neg_elbo']:.1f} and {kl['neg_elbo']:.1f}. "
        + (f"All three: the same network and recipe, {epochs.pop()} epochs each." if len(epochs) == 1
           else f"(Trained for different numbers of epochs: {sorted(epochs)}.)"))

st.subheader("Turn β")
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
choice = settings.select_slider(BETA, "Weight of the KL term", c1)
seed = settings.number_input(SEED, "Seed", c2)
meta = VARIANTS[choice]
left, right = st.columns([1.3, 1])
with left:
    live.latent_map([{"meta": meta}], "mnist", "loss_beta_map", max_size=460,
                    width=frame.column_width([1.3, 1], 0))
with right:
    widgets.show_digit(latent.prior_mosaic(catalog.model(meta), int(seed)),
                       "64 samples z ~ N(0, I) from the prior, decoded", f"prior_{meta['name']}",
                       scale=4, alt=f"64 samples from the prior decoded by the {choice} model")

widgets.table([{"model": label, **{col: catalog.eval_figures(m["name"]).get(k) for col, k in (
    ("test −ELBO", "neg_elbo"), ("reconstruction", "recon"), ("KL", "kl"), ("IWAE k=100", "iwae"))},
                "epochs": m.get("epochs")} for label, m in VARIANTS.items()])
betas = [(w, catalog.eval_figures(m["name"])) for w, m in catalog.ablations() if 0 < w < math.inf]
kls, recons = [f.get("kl") for _, f in betas], [f.get("recon") for _, f in betas]
steady = None not in kls + recons and kls == sorted(kls, reverse=True) and recons == sorted(recons)
frame.say(f"From β = {' to '.join(f'{w:g}' for w, _ in betas)}, the KL goes "
          + " → ".join(f"{v:.1f}" for v in kls) + " nats and the reconstruction term "
          + " → ".join(f"{v:.1f}" for v in recons) + " nats: "
          + ("a larger β buys a tighter fit to the prior with blurrier reconstructions." if steady
             else "not the steady trade the textbook describes; compare the numbers."))
st.caption("Nats per test image, from `python -m vae_core.recipes evaluate` (checkpoints/eval/*.json); "
           "prior samples judged by `python -m vae_core.recipes contrast`.")
