"""Anomalies: a VAE's negative ELBO tells its own kind of image from things it never saw."""

import streamlit as st

from ui import catalog, charts, figures, frame, settings, widgets
from vae_core import anomaly
from vae_core.images import mosaic, to_unit

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
other = "fashion-mnist" if dataset == "mnist" else "mnist"
own_word, other_word = ("digits", "clothes") if dataset == "mnist" else ("clothes", "digits")
labels = {d: catalog.DATASET_LABELS[d] for d in (dataset, other)}

st.header("Anomalies")
frame.intro(
    f"A VAE only knows how to draw what it was trained on. Give it something else entirely and "
    f"the negative ELBO (how many nats the image costs the model) rises, which makes it an "
    f"anomaly detector. Model: {catalog.label(meta)}, trained on {labels[dataset]}."
)
images, foreign = catalog.test_images(dataset), catalog.test_images(other)
if images is None or foreign is None:
    st.info("Scoring needs both test sets on this machine.", icon=":material/cloud_off:")
    widgets.no_data_notice(dataset if images is None else other)
    st.stop()


def scored() -> dict:
    model = catalog.model(meta)
    out = anomaly.summary(anomaly.scores(model, to_unit(images)), anomaly.scores(model, to_unit(foreign)),
                          anomaly.scores(model, anomaly.uniform_noise(1000)))
    catalog.release_memory()
    return out


with st.spinner("Scoring both test sets…"):
    s = figures.cached(["anomaly-summary", meta["name"], dataset, other], scored)
THRESHOLD = settings.number(f"anomaly_threshold_{meta['name']}", None, s["default"], s["lo"], s["hi"])
frame.declare(THRESHOLD)
controls, picture = frame.slots()
threshold = settings.slider(THRESHOLD, "Flag images whose −ELBO is above (nats)", controls, step=1.0)
own_flagged = anomaly.share_above(s["own_sorted"], threshold)
other_flagged = anomaly.share_above(s["other_sorted"], threshold)
m1, m2, m3, m4 = controls.columns(4)
m1.metric("ROC AUC", f"{s['auc']:.3f}", help="Probability that a random foreign image scores "
          "higher than a random test image of the model's own data set; 0.5 is chance, 1 is perfect.")
m2.metric(f"{own_word.capitalize()} flagged (false alarms)", f"{own_flagged:.1%}")
m3.metric(f"{other_word.capitalize()} flagged (caught)", f"{other_flagged:.1%}")
m4.metric("Uniform noise: ROC AUC", f"{s['auc_noise']:.3f}")
if s["auc"] < 0.7:
    controls.warning(
        f"Here the negative ELBO barely tells the two apart (AUC {s['auc']:.2f}): {labels[other]} "
        f"images are simpler (mostly black, few strokes), so they cost the model as few nats as "
        "its own data, or fewer. Likelihood-based generative models are known to fail this way on "
        "the simpler data set (Nalisnick et al., 2019, 'Do deep generative models know what they "
        "don't know?'); switch to MNIST in the sidebar for the direction that works.",
        icon=":material/lightbulb:")

# side by side for a reader; one under the other on a projector, where type must stay large
left, right = (picture, picture) if frame.presenting() else picture.columns([2, 1])
with left:
    edges, top = s["edges"], max(max(c) for c in s["counts"].values())
    hist = charts.Chart((edges[0], edges[-1]), (0, top * 1.1), "−ELBO per image (nats; the "
                        "highest 0.5% clipped)", "images")
    for key, name, color in (("own", dataset, "#1f77b4"), ("other", other, "#d62728")):
        hist.bars(edges[:-1], edges[1:] - edges[:-1], s["counts"][key], color,
                  f"{labels[name]} (10,000 test)", opacity=0.6)
    hist.vline(threshold, "threshold")
    hist.show(f"Histograms of the negative ELBO of the {labels[dataset]} and {labels[other]} test "
              f"images; the threshold at {threshold:.0f} nats flags {own_flagged:.1%} of the first "
              f"and {other_flagged:.1%} of the second.")
with right:
    fpr, tpr, _ = s["roc"]
    roc = charts.Chart((0, 1), (0, 1), "false alarm rate", "caught rate", f"ROC, AUC = {s['auc']:.3f}",
                       size=(360, 330))
    roc.line([0, 1], [0, 1], "#888", dash=True, markers=False)
    roc.line(fpr, tpr, "#1f77b4", f"ROC, AUC = {s['auc']:.3f}", markers=False)
    roc.point(own_flagged, other_flagged)
    roc.show(f"ROC curve with area {s['auc']:.3f}; the threshold's point is at a false alarm rate "
             f"of {own_flagged:.1%} and a caught rate of {other_flagged:.1%}.")

f1, f2 = st.columns(2)
with f1:
    worst = catalog.test_pictures(dataset, s["worst"])
    widgets.show_digit(mosaic(worst, 8, pad=1, fill=0.25),
                       f"the {own_word} the model finds strangest (highest −ELBO)",
                       "anomaly_own", scale=3, alt=widgets.reading_of_many(
                           worst, dataset, f"the 16 strangest {own_word}"))
with f2:
    widgets.show_digit(mosaic(catalog.test_pictures(other, s["sneaky"]), 8, pad=1, fill=0.25),
                       f"the {labels[other]} images that look most familiar (lowest −ELBO)",
                       "anomaly_other", scale=3, alt=f"the 16 {labels[other]} images that the "
                       "model finds most familiar")
