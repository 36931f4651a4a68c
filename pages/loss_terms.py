"""What each loss term does: the same network trained with reconstruction only, KL only, both."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate
from vae_core.images import mosaic

dataset, _ = common.selected()
# The ablations were trained on MNIST (see checkpoints/INDEX.md); the page shows them whatever
# the sidebar's data set is, and says so.
VARIANTS = {  # label -> checkpoint name, in the order of the β control
    "reconstruction only (β = 0)": "mnist_vae_2d_recon_only",
    "β = 0.5": "mnist_vae_2d_beta0.5",
    "β = 1 (the VAE)": "mnist_vae_2d",
    "β = 4": "mnist_vae_2d_beta4",
    "KL only": "mnist_vae_2d_kl_only",
}
shipped = {m["name"]: m for m in common.models_of("mnist", "vae", 2)}
VARIANTS = {k: v for k, v in VARIANTS.items() if v in shipped}
THREE = ["reconstruction only (β = 0)", "KL only", "β = 1 (the VAE)"]
TITLES = {THREE[0]: "Reconstruction only", THREE[1]: "KL only", THREE[2]: "Both: the VAE"}

st.header("What each loss term does")
st.markdown(
    "The VAE's loss is **reconstruction + β · KL**. Reconstruction alone spreads the codes into "
    "separated, scattered clusters with gaps between them; the KL term alone pulls every code "
    "onto N(0, I), one blob where the classes mix; together they give compact clusters that "
    "keep their identity. Same network, same data: only the loss differs."
)
if dataset != "mnist":
    st.info("These ablations were trained on MNIST only, so this page shows MNIST.",
            icon=":material/info:")
if not all(VARIANTS.get(k) for k in THREE):
    st.error("This page needs the shipped ablation checkpoints (reconstruction-only, KL-only and "
             "the 2-D VAE); see checkpoints/INDEX.md.")
    st.stop()


def figures_line(name: str) -> str:
    f = common.eval_figures(name)
    if not f:
        return "not evaluated"
    return (f"test −ELBO **{f['neg_elbo']:.1f}** = reconstruction {f['recon']:.1f} "
            f"+ KL {f['kl']:.1f} nats")


cols = st.columns(3)
for col, label in zip(cols, THREE):
    name = VARIANTS[label]
    at = common.atlas(shipped[name]["path"])
    with col:
        st.subheader(TITLES[label])
        st.plotly_chart(common.latent_map(at, "mnist", height=380, click_grid=False,
                                          legend=label == THREE[-1]),
                        key=f"loss_map_{name}", width="stretch", config=common.PLOT_CONFIG)
        st.markdown(figures_line(name))

rec, kl, both = (common.eval_figures(VARIANTS[k]) for k in THREE)
if rec and kl and both:
    epochs = {k: shipped[VARIANTS[k]].get("epochs") for k in THREE}
    st.markdown(
        f"**What the numbers show.** Reconstruction only leaves the codes wherever they help "
        f"reconstruction (note the axes: ±20 and more): KL {rec['kl']:.1f} nats from the prior, "
        f"so a z drawn from N(0, I) mostly lands where no training image was. KL only matches "
        f"the prior exactly (KL {kl['kl']:.2f}; the whole map is a few thousandths wide) and "
        f"ignores the image: reconstruction {kl['recon']:.1f} nats, the same average picture for "
        f"every input. The VAE spends {both['kl']:.1f} nats of KL for a space the prior covers, "
        f"reconstructs to {both['recon']:.1f} nats and has the best total: "
        f"{both['neg_elbo']:.1f} against {rec['neg_elbo']:.1f} and {kl['neg_elbo']:.1f}. "
        f"(Epochs: {epochs[THREE[0]]}, {epochs[THREE[1]]} and {epochs[THREE[2]]}; the "
        f"ablations only need to show the shape, so compare KL and shape, not the last nat of "
        f"reconstruction.)"
    )

st.subheader("Turn β")
labels = list(VARIANTS)
url = common.url_values("loss", {"beta": urlstate.choice(labels), "seed": urlstate.integer(0, 10_000)})
if "beta" in url:
    st.session_state["loss_beta"] = url["beta"]
if "seed" in url:
    st.session_state["loss_seed"] = url["seed"]
common.clean_state("loss_beta", "β = 1 (the VAE)", options=labels)
common.clean_state("loss_seed", 0, lo=0, hi=10_000)
st.session_state.setdefault("loss_beta", "β = 1 (the VAE)")
st.session_state.setdefault("loss_seed", 0)
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
choice = c1.select_slider("Weight of the KL term", labels, key="loss_beta")
seed = c2.number_input("Seed", 0, 10_000, key="loss_seed")
name = VARIANTS[choice]
meta = shipped[name]
at = common.atlas(meta["path"])
left, right = st.columns([1.3, 1])
with left:
    st.plotly_chart(common.latent_map(at, "mnist", height=460, click_grid=False),
                    key="loss_beta_map", width="stretch", config=common.PLOT_CONFIG)
with right:
    z = np.random.default_rng(int(seed)).standard_normal((64, 2)).astype(np.float32)
    common.show_digit(mosaic(latent.decode(common.model(meta["path"]), z), 8, pad=1, fill=0.25),
                      "64 samples z ~ N(0, I) from the prior, decoded", f"prior_{name}", scale=4)

rows = []
for label, n in VARIANTS.items():
    f = common.eval_figures(n)
    rows.append({"model": label, "test −ELBO": f.get("neg_elbo"), "reconstruction": f.get("recon"),
                 "KL": f.get("kl"), "IWAE k=100": f.get("iwae"),
                 "epochs": shipped[n].get("epochs")})
common.table(rows)
st.caption("Nats per test image, from `python -m vae_core.recipes evaluate` "
           "(checkpoints/eval/*.json). Larger β buys a tighter fit to the prior (smaller KL) with "
           "blurrier reconstructions; the ablations were trained for fewer epochs than the VAE "
           "(see the last column), enough to show the shapes of the maps.")
common.share(beta=choice, seed=int(seed))
