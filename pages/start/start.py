"""Start here: what Latent Lab is, and an order through its pages for a student on their own."""

import streamlit as st

from ui import frame, registry

frame.context()

st.header("Start here")
frame.intro(
    "Latent Lab lets you look inside a variational autoencoder (VAE) trained on handwritten "
    "digits: an encoder turns each image into a short code, a decoder turns codes back into "
    "images, and every page shows one idea about that space with models trained for real and "
    "numbers measured on the test set. Go through the pages in the order below, the order of a "
    "lecture on VAEs; each line says what to try. Words in blue link to the glossary.")

STEPS = (
    ("latent_map", "A description in, an image out: the decoder draws a digit from two numbers. "
     "Move the pointer over the map and watch the digit change; find where a 4 turns into a 9."),
    ("ae_vs_vae", "A plain autoencoder against a VAE, the same network without and with the KL "
     "term. Switch to the 16-D pair and compare the 64 pictures each draws from random codes."),
    ("loss_terms", "Reconstruction alone, KL alone, and both: three maps side by side. Then turn "
     "β and watch the samples."),
    ("posterior", "One image gives a distribution, not a point: z = μ + σ·ε. Press Resample ε and "
     "see how much the decoded samples vary."),
    ("sliders", "Set every coordinate of z by hand; with the 20-D model, see which rows of the "
     "traversal change and which the model left unused."),
    ("manifold", "Decode a whole grid of codes at once, as Kingma & Welling did."),
    ("attributes", "Describe it, and the model draws it: make a digit bolder, slant it or widen it, "
     "and read what was measured on the picture."),
    ("draw", "Ask a conditional VAE for a 7 and get 7s; then see one digit's handwriting, or your "
     "own drawing's, written as every digit."),
    ("analogies", "This 3 is to that 3 as this 7 is to …? Arithmetic on codes, and whether the "
     "answer's strokes changed as asked, measured."),
    ("dimensions", "Move each latent dimension on its own, at β = 1 and β = 4: which one carries the "
     "slant, which the thickness, and how cleanly, measured."),
    ("interpolate", "Walk from one digit to another in a straight line; press Random pair."),
    ("replay", "Watch a VAE learn, epoch by epoch, and read why the KL goes up."),
    ("your_digit", "Draw a digit and see where it lands and how each model redraws it."),
    ("denoising", "Noisy image in, clean image out: a model trained that way against one that "
     "was not."),
    ("anomalies", "The loss of an image as a detector of things the model never saw."),
    ("train", "Train a small VAE yourself, in about a minute, and use it on every page."),
    ("loss_units", "A tutorial printed 0.13? Type it in and read it in nats per image, beside the "
     "models here; see how many latent units your model uses."),
    ("collapse", "Average the reconstruction over the pixels, as many tutorials do, and every digit "
     "decodes to the same blur: posterior collapse, and two remedies."),
    ("strong_decoder", "Give the decoder the pixels it has drawn so far: the best loss in the app, "
     "and a code that says less: collapse by another road."),
    ("latent_size", "Why 2 dimensions here and 20 in tutorials? One network at five latent sizes, "
     "measured."),
)
for i, (key, text) in enumerate(STEPS, 1):
    spec = registry.by_key(key)
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.page_link(registry.REPO / spec.file, label=f"{i}. {spec.title}", icon=spec.icon)
    frame.say(text, c2)
st.page_link(registry.REPO / registry.by_key("glossary").file, label="Glossary: every word the pages use",
             icon=":material/menu_book:")
