"""Denoising and anomalies: what the VAE makes of a corrupted digit, and of things it never saw."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from pages import common
from vae_core import anomaly, latent, urlstate
from vae_core.images import mosaic

dataset, meta = common.selected()
if meta["kind"] != "vae":  # scores need a VAE; the sidebar may hold the autoencoder
    meta = common.find(dataset, "vae_2d") or meta
other = "fashion-mnist" if dataset == "mnist" else "mnist"
at = common.atlas(meta["path"])
m = common.model(meta["path"])
images = common.test_images(dataset)
names = common.class_names(dataset)
own_word = "digits" if dataset == "mnist" else "clothes"

st.header("Denoising and anomalies")
st.markdown(
    f"A VAE only knows how to draw what it was trained on. Give it a corrupted image and its "
    f"reconstruction pulls it back towards the {own_word} it knows; give it something else "
    f"entirely and the negative ELBO (how many nats the image costs the model) rises, which "
    f"makes it an anomaly detector. Model: {common.model_label(meta)}, trained on "
    f"{common.DATASET_LABELS[dataset]}."
)

url = common.url_values("anomalies", {"noise": urlstate.choice(list(anomaly.NOISES)),
                                      "strength": urlstate.number(0.0, 1.0),
                                      "seed": urlstate.integer(0, 10_000)})
for key, name in (("noise_kind", "noise"), ("noise_strength", "strength"), ("noise_seed", "seed")):
    if name in url:
        st.session_state[key] = url[name]
common.clean_state("noise_kind", "gaussian", options=list(anomaly.NOISES))
common.clean_state("noise_strength", 0.3, lo=0.0, hi=1.0)
common.clean_state("noise_seed", 0, lo=0, hi=10_000)
st.session_state.setdefault("noise_kind", "gaussian")
st.session_state.setdefault("noise_strength", 0.3)
st.session_state.setdefault("noise_seed", 0)

st.subheader("Denoising")
if images is None:
    common.no_data_notice(dataset)
else:
    c1, c2, c3, c4 = st.columns([2, 1.2, 1.2, 0.8], vertical_alignment="bottom")
    with c1:
        index = common.pick_test_image(at, dataset, "noise", default_class=2)
    kind = c2.radio("Noise", anomaly.NOISES, key="noise_kind")
    strength = c3.slider("Strength", 0.0, 1.0, step=0.05, key="noise_strength")
    seed = c4.number_input("Seed", 0, 10_000, key="noise_seed")
    vaes = sorted(common.models_of(dataset, "vae"), key=lambda v: -v["latent_dim"])
    vaes = [v for v in vaes if v.get("train", {}).get("loss", "elbo") == "elbo"
            and v["beta"] == 1.0] or [meta]
    names_ = [v["name"] for v in vaes]
    common.clean_state("noise_model", names_[0], options=names_)
    den_name = st.radio("Denoise with", names_, key="noise_model", horizontal=True,
                        format_func=lambda n: common.model_label(vaes[names_.index(n)]),
                        help="More latent dimensions keep more detail of the digit.")
    den_path = vaes[names_.index(den_name)]["path"]
    clean = images[index] / 255.0
    noisy = anomaly.add_noise(clean, kind, strength, int(seed))

    def reconstruct():
        den = common.model(den_path)
        return latent.decode(den, latent.encode(den, noisy[None])[0])[0]

    recon = common.cached(["denoise", den_path, noisy], reconstruct)  # reruns skip the model
    cols = st.columns(3)
    for col, (pic, cap, key) in zip(cols, ((clean, "clean test image", "clean"),
                                           (noisy, f"{kind}, strength {strength:.2f}", "noisy"),
                                           (recon, "VAE reconstruction of the noisy one", "denoised"))):
        with col:
            common.show_digit(pic, cap, f"noise_{key}", scale=6, download=False)  # 3 small ones
    err_noisy = float(np.abs(noisy - clean).mean())
    err_recon = float(np.abs(recon - clean).mean())
    many = common.cached(  # the same noise on 300 test images: is this one typical?
        ["denoising", den_path, kind, strength],
        lambda: anomaly.denoising(common.model(den_path), images[:300] / 255.0, kind, strength))
    verdict = ("closer to the clean image than the noisy input was: the model was never "
               "trained on noise, it denoises because it can only draw what looks like its "
               "training data" if err_recon < err_noisy else
               "further from the clean image than the noisy input: at this strength the model "
               "no longer sees the right digit, or cannot draw its details")
    st.caption(f"Mean absolute difference from the clean image: noisy {err_noisy:.3f}, "
               f"reconstruction {err_recon:.3f}, i.e. {verdict}. Over the first {many['n']} "
               f"test images with this noise, the reconstruction is the closer one for "
               f"**{many['closer']:.0%}** (mean difference noisy {many['noisy']:.3f}, "
               f"reconstruction {many['recon']:.3f}).")


@st.cache_data(show_spinner="Scoring both test sets…", max_entries=8)
def scored(path: str, own: str, foreign: str) -> dict | None:
    x_own, x_other = common.test_images(own), common.test_images(foreign)
    if x_own is None or x_other is None:
        return None
    model = common.model(path)
    out = {"own": anomaly.scores(model, x_own / 255.0),
           "other": anomaly.scores(model, x_other / 255.0),
           "noise": anomaly.scores(model, anomaly.uniform_noise(1000))}
    common.release_memory()
    return out


st.subheader(f"Anomalies: {common.DATASET_LABELS[dataset]} against "
             f"{common.DATASET_LABELS[other]}")
have_both = images is not None and common.test_images(other) is not None
s = scored(meta["path"], dataset, other) if have_both else None
if s is None:
    st.info("Scoring needs both test sets on this machine.", icon=":material/cloud_off:")
    common.no_data_notice(dataset if images is None else other)
    st.stop()


def summary() -> dict:
    """What every rerun needs from the 21,000 scores, computed once per model."""
    lo_ = float(np.floor(min(s["own"].min(), s["other"].min())))
    hi_ = float(np.ceil(np.quantile(np.concatenate([s["own"], s["other"]]), 0.995)))
    edges = np.linspace(lo_, hi_, 81)
    return {"auc": anomaly.roc_auc(s["own"], s["other"]),
            "auc_noise": anomaly.roc_auc(s["own"], s["noise"]), "lo": lo_, "hi": hi_,
            "default": float(np.round(np.quantile(s["own"], 0.95))), "edges": edges,
            "counts": {k: np.histogram(np.clip(s[k], lo_, hi_), edges)[0] for k in ("own", "other")},
            "own_sorted": np.sort(s["own"]), "other_sorted": np.sort(s["other"]),
            "worst": np.argsort(s["own"])[::-1][:16], "sneaky": np.argsort(s["other"])[:16]}


stats = common.cached(["anomaly-summary", meta["path"], dataset, other], summary)
auc, auc_noise, lo, hi = stats["auc"], stats["auc_noise"], stats["lo"], stats["hi"]
t_key = f"anomaly_threshold_{meta['name']}"  # each model has its own range of scores
common.clean_state(t_key, stats["default"], lo=lo, hi=hi)
st.session_state.setdefault(t_key, stats["default"])
st.session_state[t_key] = float(np.clip(st.session_state[t_key], lo, hi))
threshold = st.slider("Flag images whose −ELBO is above (nats)", lo, hi, step=1.0, key=t_key)


def flagged(sorted_scores: np.ndarray) -> float:
    """The share of scores above the threshold (a binary search in the sorted scores)."""
    return 1.0 - float(np.searchsorted(sorted_scores, threshold, side="right")) / len(sorted_scores)


own_flagged, other_flagged = flagged(stats["own_sorted"]), flagged(stats["other_sorted"])
m1, m2, m3, m4 = st.columns(4)
m1.metric("ROC AUC", f"{auc:.3f}", help="Probability that a random foreign image scores higher "
          "than a random test image of the model's own data set; 0.5 is chance, 1 is perfect.")
m2.metric(f"{own_word.capitalize()} flagged (false alarms)", f"{own_flagged:.1%}")
m3.metric(f"{common.DATASET_LABELS[other]} flagged (caught)", f"{other_flagged:.1%}")
m4.metric("Uniform noise: ROC AUC", f"{auc_noise:.3f}")

if auc < 0.7:
    st.warning(
        f"Here the negative ELBO barely tells the two apart (AUC {auc:.2f}): "
        f"{common.DATASET_LABELS[other]} images are simpler (mostly black, few strokes), so they "
        f"cost the model as few nats as its own data, or fewer. Likelihood-based generative "
        "models are known to fail this way on the simpler data set (Nalisnick et al., 2019, "
        "'Do deep generative models know what they don't know?'); switch to MNIST in the "
        "sidebar for the direction that works.", icon=":material/lightbulb:")
def histogram(threshold: float) -> go.Figure:
    """80 bins counted here (Plotly would get all 20,000 scores on every rerun otherwise)."""
    fig = go.Figure()
    edges = stats["edges"]
    for key, label, color in (("own", common.DATASET_LABELS[dataset], "#1f77b4"),
                              ("other", common.DATASET_LABELS[other], "#d62728")):
        fig.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=stats["counts"][key],
                             width=edges[1] - edges[0], name=f"{label} (10,000 test)",
                             opacity=0.6, marker_color=color, marker_line_width=0))
    fig.add_vline(x=threshold, line=dict(color="black", width=3, dash="dash"),
                  annotation_text="threshold")
    fig.update_layout(barmode="overlay", bargap=0, height=380, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title="−ELBO per image (nats; clipped at the 99.5th percentile)",
                      yaxis_title="images", legend=dict(orientation="h", y=1.12),
                      plot_bgcolor="white")
    return fig


def roc_figure(point: tuple[float, float]) -> go.Figure:
    fpr, tpr, _ = anomaly.roc_curve(s["own"], s["other"])
    roc = go.Figure(go.Scatter(x=fpr, y=tpr, mode="lines", line=dict(width=3), name="ROC"))
    roc.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers",
                             marker=dict(size=12, color="black"), name="threshold"))
    roc.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance",
                             line=dict(dash="dot", color="grey")))
    roc.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis_title="false alarm rate", yaxis_title="caught rate",
                      plot_bgcolor="white", title=dict(text=f"ROC, AUC = {auc:.3f}"))
    return roc


left, right = st.columns([2, 1])
with left:
    st.plotly_chart(common.figure(["hist", meta["path"], other, threshold],
                                  lambda: histogram(threshold)),
                    key="anomaly_hist", width="stretch", config=common.PLOT_CONFIG)
with right:
    point = (own_flagged, other_flagged)
    st.plotly_chart(common.figure(["roc", meta["path"], other, point], lambda: roc_figure(point)),
                    key="anomaly_roc", width="stretch", config=common.PLOT_CONFIG)

f1, f2 = st.columns(2)
with f1:
    common.show_digit(mosaic(images[stats["worst"]] / 255.0, 8, pad=1, fill=0.25),
                      f"the {own_word} the model finds strangest (highest −ELBO)",
                      "anomaly_own", scale=3)
with f2:
    foreign = common.test_images(other)
    common.show_digit(mosaic(foreign[stats["sneaky"]] / 255.0, 8, pad=1, fill=0.25),
                      f"the {common.DATASET_LABELS[other]} images that look most familiar "
                      "(lowest −ELBO)", "anomaly_other", scale=3)
common.share(noise=st.session_state["noise_kind"], strength=st.session_state["noise_strength"],
             seed=st.session_state["noise_seed"])
