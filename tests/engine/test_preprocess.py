"""Your own digit: untrusted pictures are read safely and prepared the way MNIST was."""

import io

import numpy as np
import pytest
import torch
from helpers import CHECKPOINTS
from PIL import Image

from vae_core import latent
from vae_core.checkpoint import load_model
from vae_core.preprocess import MAX_PIXELS, ImageProblem, prepare, read_image, to_mnist

REPO_CKPT = CHECKPOINTS


def png(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def digit_on_paper(size=(300, 200)) -> Image.Image:
    """A dark stroke on light paper, off-centre: what a phone photo of a '1' looks like."""
    img = Image.new("L", size, 235)
    a = np.asarray(img).copy()
    a[40:160, 200:220] = 20
    return Image.fromarray(a)


def test_test_digits_land_where_the_raw_images_land(mnist_test):
    x, _ = mnist_test
    vae = load_model(REPO_CKPT / "mnist_vae_2d.safetensors")
    raw = x[:200, 0].numpy()
    prepared = np.stack([to_mnist(img) for img in raw])
    mu_raw, _ = latent.encode(vae, raw)
    mu_prep, _ = latent.encode(vae, prepared)
    dist = np.linalg.norm(mu_raw - mu_prep, axis=1)
    spread = np.linalg.norm(mu_raw - mu_raw.mean(0), axis=1).mean()
    assert np.median(dist) < 0.1 * spread, (np.median(dist), spread)
    assert np.abs(prepared - raw).mean() < 0.005  # MNIST was prepared this very way


def test_dark_ink_on_light_paper_is_inverted_cropped_fitted_and_centred():
    out = to_mnist(np.asarray(digit_on_paper(), np.float32) / 255)
    assert out.shape == (28, 28) and out.min() >= 0 and out.max() <= 1
    assert out[0].max() == 0 and out[:, 0].max() == 0  # black background, white ink
    rows = np.flatnonzero(out.max(1) > 0.1)
    assert rows[-1] - rows[0] + 1 in (19, 20, 21)  # the tall stroke fills the 20-pixel box
    cy, cx = (np.indices(out.shape) * out).reshape(2, -1).sum(1) / out.sum()
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5  # centre of mass in the middle


@pytest.mark.reliability("uploads")
def test_formats_students_upload_are_read():
    base = digit_on_paper()
    rgba = base.convert("RGBA")
    a = np.asarray(rgba).copy()
    a[..., 3] = np.where(np.asarray(base) < 128, 255, 0)  # ink opaque, paper transparent
    cases = {
        "png": png(base),
        "jpeg": png(base.convert("RGB"), "JPEG"),
        "rgba transparent": png(Image.fromarray(a, "RGBA")),
        "palette": png(base.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE)),
        "16-bit": png(Image.fromarray(np.asarray(base).astype(np.uint16) * 257)),
    }
    ref = to_mnist(np.asarray(base, np.float32) / 255)
    for name, data in cases.items():
        out, _ = prepare(data)
        assert np.abs(out - ref).mean() < 0.03, name


@pytest.mark.reliability("uploads")
def test_exif_rotation_is_applied():
    base = digit_on_paper((300, 200))  # wide picture with a vertical stroke
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    grey, _ = read_image(png(base.convert("RGB"), "JPEG", exif=exif.tobytes()))
    assert grey.shape == (300, 200)  # displayed upright: tall


@pytest.mark.reliability("uploads")
def test_animated_gif_uses_the_first_frame_and_says_so():
    frames = [digit_on_paper(), Image.new("L", (300, 200), 235)]
    data = png(frames[0], "GIF", save_all=True, append_images=frames[1:])
    out, notes = prepare(data)
    assert out.max() > 0.5 and any("first one" in n for n in notes)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"%PDF-1.4 this is not a picture", "not an image"),
    (png(Image.new("L", (280, 280), 0)), "blank"),
    (png(Image.new("L", (280, 280), 255)), "blank"),
    (png(digit_on_paper())[:200], "could not be decoded"),
])
@pytest.mark.reliability("uploads")
def test_bad_pictures_give_a_clear_message(data, words):
    with pytest.raises(ImageProblem, match=words):
        prepare(data)


@pytest.mark.reliability("uploads")
def test_a_decompression_bomb_is_refused_before_decoding():
    # 20,000 x 20,000 pixels of one colour compress to a few hundred kB of PNG
    side = 20_000
    assert side * side > MAX_PIXELS
    img = Image.new("1", (side, side), 0)
    data = png(img, optimize=False)
    assert len(data) < 2_000_000
    with pytest.raises(ImageProblem, match="limit of 25,000,000 pixels"):
        prepare(data)
    # just over our cap but under Pillow's: refused by our check, from the header alone
    with pytest.raises(ImageProblem, match="6,000×5,000 pixels"):
        prepare(png(Image.new("1", (6000, 5000), 0)))


def test_a_hand_drawn_digit_is_read_by_the_judge_as_that_digit():
    """A synthetic '7' drawn like the canvas does (white on black, thick strokes)."""
    from PIL import ImageDraw

    img = Image.new("L", (280, 280), 0)
    d = ImageDraw.Draw(img)
    d.line([(70, 60), (210, 60), (120, 230)], fill=255, width=24)
    x, _ = prepare(png(img))
    judge = load_model(REPO_CKPT / "mnist_judge.safetensors")
    with torch.inference_mode():
        p = torch.softmax(judge(torch.as_tensor(x).reshape(1, 1, 28, 28)), 1)[0]
    assert int(p.argmax()) == 7, p
