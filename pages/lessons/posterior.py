"""One image, a distribution: the encoder's Gaussian q(z|x), its samples, and its ELBO in nats."""

import streamlit as st

from ui import catalog, charts, figures, frame, live, settings, widgets
from vae_core import evaluate, latent, posterior
from vae_core.data import class_names
from vae_core.images import mosaic

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at, vae = catalog.atlas(meta), catalog.model(meta)
names = class_names(dataset)
DIGIT = frame.setting("image").bound(default=at.index_of(3, 0), hi=len(at.labels) - 1)
K = frame.setting("k")
SEED = frame.setting("seed")
MANY = settings.integer("post_many", None, 3, 3, 30)
# σ drawn true to scale where it is visible (16-D, 20-D); a 2-D VAE's ~0.01 needs enlarging
ENLARGE = settings.choice(f"post_blow_{meta['name']}", None, 20 if at.latent_dim == 2 else 1,
                          (1, 2, 5, 10, 20, 50))

st.header("One image, a distribution")
frame.intro(
    "The VAE's encoder does not return a point: it returns a mean μ and a spread σ, the Gaussian "
    "q(z | x) drawn here as its 1σ and 2σ ellipses. Training decodes samples "
    "**z = μ + σ · ε** with ε ~ N(0, I): the randomness is all in ε, so the gradient flows "
    "through μ and σ (the reparameterization trick); the plain autoencoder has one point instead."
)
frame.declare(DIGIT, K, SEED, MANY, ENLARGE)


def on_click():
    click = live.clicked("post_map")
    if click is not None and click["index"] is not None:
        st.session_state[DIGIT.key] = click["index"]


controls, picture = frame.slots()
c1, c2, c3 = controls.columns([2, 1, 1], vertical_alignment="bottom")
with c1:
    index = widgets.test_image_picker(DIGIT, at, dataset)
k = settings.slider(K, "Samples K", c2)
seed = settings.number_input(SEED, "Seed", c3)
c3.button("Resample ε", icon=":material/casino:", on_click=lambda: settings.advance(SEED))
v = posterior.view(at, index, k, seed)
mark = [{"uv": v["uv"], "text": "μ", "symbol": "x"}]
images = catalog.test_images(dataset)
pics = latent.decode(vae, [v["mu"], *v["z"]])
with picture:  # the lesson first: one input, its decoded μ, and K decoded samples around it
    c1, c2, c3 = st.columns([1, 1, 2.2])
    with c1:
        widgets.show_test_image(images, index, f"the input x: test #{index}, a {names[at.labels[index]]}", 5)
    with c2:
        widgets.show_digit(pics[0], "decoded μ", "post_mu", scale=5,
                           alt=widgets.reading(pics[0], dataset, "the digit decoded at μ"))
    with c3:
        widgets.show_digit(mosaic(pics[1:], min(k, 4), pad=1, fill=0.25),
                           f"the {k} samples z = μ + σ·ε, decoded (seed {seed})", "post_samples",
                           scale=4, alt=widgets.reading_of_many(pics[1:], dataset,
                                                                f"the {k} samples, decoded"))
    live.latent_map([{"meta": meta, "title": "the whole map: click a dot to take that test image",
                      "marks": mark, "paths": [{"uv": v["box"], "width": 2}]},
                     {"meta": meta, "title": f"the square, zoomed {v['magnified']:.0f}×: ellipses 1σ "
                      "(solid), 2σ (dashed); circles: the K samples", "view": v["zoom"], "marks": mark,
                      "paths": [*figures.rings(v["rings"]), figures.points(v["z_uv"])]}],
                    dataset, "post_map", linked=False, on_click=on_click, max_size=460)

st.latex(r"z_i = \mu + \sigma \odot \varepsilon_i,\qquad \varepsilon_i \sim \mathcal{N}(0, I)")
frame.say(f"σ is {v['sigma'].mean():.3f} on average over the {at.latent_dim} dimensions here, "
            "against the prior's 1: " + (
                "the encoder is very sure where this image goes, so the samples decode to nearly "
                "the same picture. Choose the 16-D or 20-D VAE in the sidebar to see samples that "
                "differ." if v["sigma"].max() < 0.5 else "small where the model uses a dimension, "
                "about 1 where it leaves it to the prior (see the KL per dimension below)."))
if at.latent_dim == 2:
    with st.expander("The numbers: ε and z of each sample", expanded=k <= 8):
        widgets.table([{"sample": i + 1, "ε₁": e[0], "ε₂": e[1], "z₁": z[0], "z₂": z[1]}
                       for i, (e, z) in enumerate(zip(v["eps"], v["z"]))], digits=3)

twin = catalog.twin(meta)
if twin is not None:
    u, w = catalog.atlas(twin).uv[index]
    frame.say(f"**The plain autoencoder: one point, no spread.** The {catalog.label(twin)} encodes "
                f"it to z = ({u:.2f}, {w:.2f}) only; nothing asks the points around it to decode well.")

st.subheader("The ELBO of this image, in nats")
if images is None:
    widgets.no_data_notice(dataset)
else:
    f = evaluate.image_figures(vae, catalog.test_pictures(dataset, index))
    st.latex(r"-\mathrm{ELBO}(x) = \underbrace{\mathbb{E}_{q(z|x)}\big[-\log p(x|z)\big]}"
             rf"_{{{f['recon']:.2f}}} + \underbrace{{\tfrac12\textstyle\sum_d"
             rf"(\mu_d^2+\sigma_d^2-1-\log\sigma_d^2)}}_{{\mathrm{{KL}} = {f['kl']:.2f}}}"
             rf" = {f['neg_elbo']:.2f}")
    frame.say(f"The reconstruction term is the Bernoulli log-likelihood summed over the 784 pixels, "
        f"−Σ [x log x̂ + (1 − x) log(1 − x̂)], averaged over {f['samples']} draws of z (seed "
        f"{f['seed']}); the KL term is exact. The same numbers come from `python -m "
        f"vae_core.evaluate {catalog.CHECKPOINTS.name}/{meta['name']}.safetensors --index {index}`.")
    dims = [f"z{d + 1}" for d in range(at.latent_dim)]
    if at.latent_dim > 2:
        unused = sum(kl < 0.05 for kl in f["kl_dims"])
        charts.grouped_bars(dims, [("KL of each dimension", f["kl_dims"], figures.COLORS[0])],
                            "KL (nats)").show("KL per dimension: " + ", ".join(
                                f"{d} {kl:.2f}" for d, kl in zip(dims, f["kl_dims"])))
        frame.say(f"**{unused} of {at.latent_dim}** dimensions carry under 0.05 nats for this "
                    "image: there the posterior is the prior itself (μ ≈ 0, σ ≈ 1), a dimension "
                    "the model does not use.")
    widgets.table([{"dimension": d, "μ": mu, "σ": s, "KL (nats)": kl} for d, mu, s, kl in
                   zip(dims, f["mu"], f["sigma"], f["kl_dims"])], digits=3)

st.subheader("Several posteriors at once")
p1, p2 = st.columns(2)
n_post = settings.slider(MANY, "Images", p1)
blow = settings.select_slider(ENLARGE, "Draw σ enlarged × (1: true to scale)", p2)
many = [{"uv": pts, "color": figures.COLORS[c], "width": 3}
        for c, pts in posterior.several(at, n_post, seed, blow)]
live.latent_map([{"meta": meta, "paths": many}], dataset, "post_many_map", max_size=480)
st.caption("Each image gets its own Gaussian (mean σ {:.3f}–{:.3f}; the prior's is 1), drawn ×{}: "
           "training decodes samples, so nearby codes decode alike.".format(*at.sigma_range(), blow))
frame.keep(image=index)
