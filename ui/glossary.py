"""The words the pages use, defined once: the glossary page shows them, and `link` turns a term's
first use in a page's text into a link to its entry, so a student alone meets no undefined word."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    name: str  # as the glossary's heading shows it
    anchor: str  # the heading's id on the glossary page (glossary#<anchor>)
    forms: tuple[str, ...]  # how pages write it, matched as whole words, case as written
    text: str  # the definition, in Markdown


TERMS: tuple[Term, ...] = (
    Term("Autoencoder", "autoencoder", ("autoencoder",),
         "A network of two halves trained to copy its input: the **encoder** squeezes a 28 × 28 "
         "image (784 numbers) into a short **code**, the **decoder** rebuilds the image from the "
         "code. Trained on reconstruction error alone, it gives each image one point."),
    Term("VAE (variational autoencoder)", "vae", ("VAE",),
         "An autoencoder whose encoder returns a *distribution* over codes for each image, a "
         "Gaussian with mean μ and spread σ, and whose loss adds a **KL** term that pulls those "
         "Gaussians towards the **prior** N(0, I). Then codes drawn from the prior decode to "
         "images: the VAE is a generative model (Kingma & Welling 2014)."),
    Term("Latent space, code, z", "latent", ("latent", "codes", "code"),
         "The space of the short vectors z the decoder turns into images; an image's **code** is "
         "where the encoder puts it. Latent means hidden: nobody labels these numbers, training "
         "finds them. On a 2-D map each test image is a dot at its code."),
    Term("μ and σ", "mu-and-sigma", ("μ", "σ"),
         "The mean and the standard deviation of the Gaussian a VAE's encoder returns for one "
         "image, one pair per latent dimension. The encoder outputs log σ² (any real number) "
         "rather than σ (which must be positive); σ = exp(½ log σ²), hence the 0.5."),
    Term("Prior", "prior", ("prior",),
         "What the model assumes about codes before it sees an image: here the standard normal "
         "N(0, I), a round cloud around 0 of spread 1 in every dimension. Drawing z from it and "
         "decoding is how a VAE makes new images."),
    Term("Posterior", "posterior", ("posterior", "q(z | x)"),
         "The distribution of codes that fit one particular image x, q(z | x): the Gaussian with "
         "the μ and σ the encoder returns for x."),
    Term("Reparameterization trick", "reparameterization", ("reparameterization",),
         "Sampling z = μ + σ · ε with ε ~ N(0, I): the randomness sits in ε, which is not learned, "
         "so the gradient of the loss flows through μ and σ to the encoder."),
    Term("Reconstruction", "reconstruction", ("reconstruction", "reconstructs"),
         "The decoded image of an image's code, and the loss term that scores it: −log p(x | z), "
         "here the Bernoulli cross-entropy summed over the 784 pixels, in nats per image."),
    Term("KL divergence", "kl", ("KL",),
         "How far one distribution is from another, in nats; 0 when they are the same. In a VAE "
         "it measures how far each image's posterior is from the prior: "
         "½ Σ (μ² + σ² − 1 − log σ²). It is also how many nats the code carries about its image."),
    Term("β (beta)", "beta", ("β",),
         "The weight of the KL term: loss = reconstruction + β · KL. β = 1 is the VAE; β = 0 is "
         "reconstruction only; larger β pulls the codes closer to the prior at the cost of "
         "blurrier reconstructions (the β-VAE of Higgins et al. 2017)."),
    Term("ELBO", "elbo", ("ELBO", "−ELBO"),
         "The evidence lower bound: reconstruction log-likelihood minus KL, a lower bound on "
         "log p(x). The pages show −ELBO = reconstruction + KL, the loss; lower is better."),
    Term("IWAE bound", "iwae", ("IWAE",),
         "The importance-weighted bound of Burda et al. (2016): it averages k samples of z inside "
         "the logarithm and gets tighter as k grows, closer to the true −log p(x) than the ELBO."),
    Term("Nats and bits", "nats", ("nats", "nat", "bits"),
         "Units of information. A nat is the natural logarithm's unit; 1 nat = 1 / ln 2 = 1.44 "
         "bits. A loss of 100 nats per image means the model gives that image probability e^−100. "
         "Per-pixel numbers (divide by 784) or bits per dimension are the same thing in other units."),
    Term("The judge", "judge", ("judge",),
         "The app's own classifier, a small convolutional network trained on the labelled "
         "training images ({judge_accuracy} right on the test set). It is a *discriminative* model, beside "
         "the generative ones: the pages ask it which digit a decoded picture looks like, and how "
         "sure it is, to measure what the generators draw."),
    Term("Fréchet distance", "frechet", ("Fréchet",),
         "How far a set of generated images is from real ones: fit a Gaussian to each set's "
         "features (here the judge's) and measure the distance between the two Gaussians, as FID "
         "does with an Inception network. Lower is closer; two halves of the test set give the floor."),
    Term("Test set", "test-set", ("test set", "test images", "test image", "test digits"),
         "The 10,000 MNIST images kept out of training. Every figure in the app is measured on "
         "them, so it says how a model does on images it never saw."),
    Term("Manifold", "manifold", ("manifold",),
         "The surface of images a decoder can draw: decoding a grid of codes lays it out flat."),
    Term("PSNR", "psnr", ("PSNR",),
         "Peak signal-to-noise ratio, in decibels: how close a picture is to the clean original; "
         "higher is closer."),
    Term("Posterior collapse", "collapse", ("collapse", "collapses"),
         "When a VAE's encoder stops sending information: every q(z | x) equals the prior, the "
         "KL is about 0, and the decoder draws nearly the same picture whatever the input. A KL "
         "weighed too heavily causes it, as a reconstruction averaged over pixels does (β = 784); "
         "so, in part, does a decoder that can draw without z (an autoregressive one)."),
    Term("Autoregressive decoder", "autoregressive", ("autoregressive",),
         "A decoder that draws a picture one pixel at a time, each pixel given z and the pixels "
         "drawn before it (as MADE and PixelCNN do). It can draw much of a digit by itself, so a "
         "VAE with one needs less from its code."),
    Term("Active units", "active-units", ("active units", "active unit", "units active"),
         "The latent dimensions a VAE uses: those whose encoder mean E_q[z] varies over the test "
         "images by more than 0.01 (variance; Burda et al. 2016). An inactive one stays at the "
         "prior and carries nothing about the image."),
    Term("KL warm-up and free bits", "warm-up", ("warm-up", "free bits"),
         "Two remedies for collapse. Warm-up (annealing) starts training with the KL's weight at 0 "
         "and raises it to full over some epochs. Free bits (Kingma et al. 2016) leave each latent "
         "dimension's first few nats of KL uncharged, so using a dimension a little costs nothing."),
    Term("Binarized MNIST", "binarized", ("binarized", "binarization"),
         "MNIST with every pixel turned into 0 or 1 by a coin flip weighted by its grey value. The "
         "published log-likelihoods are measured on it: there the Bernoulli is a true likelihood."),
    Term("ROC curve and AUC", "roc", ("ROC", "AUC"),
         "For a detector with a threshold: the share caught against the share of false alarms at "
         "every threshold; the area under it (AUC) is 0.5 for chance and 1 for perfect."),
)

PAGE = "glossary"  # the glossary page's URL path


def link(text: str, used: set[str] | None = None) -> str:
    """Markdown with the first use of each glossary term linked to its entry (never inside a code
    span, a link or a formula). `used` collects the terms linked so far on this page, so later
    paragraphs leave them plain."""
    used = set() if used is None else used
    parts = re.split(r"(`[^`]*`|\[[^\]]*\]\([^)]*\)|\$[^$]*\$)", text)  # odd: leave alone
    for term in TERMS:
        if term.anchor in used:
            continue
        for form in term.forms:
            pattern = re.compile(rf"(?<![\w/#-]){re.escape(form)}(?!\w)")
            k, m = next(((k, m) for k in range(0, len(parts), 2)
                         for m in [pattern.search(parts[k])] if m), (None, None))
            if m is not None:
                part = parts[k]
                parts[k] = f"{part[:m.start()]}[{m.group(0)}]({PAGE}#{term.anchor}){part[m.end():]}"
                parts[k:k + 1] = re.split(r"(\[[^\]]*\]\([^)]*\))", parts[k])
                used.add(term.anchor)
                break
    return "".join(parts)
