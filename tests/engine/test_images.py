"""Images: crisp nearest-neighbour upscaling, mosaics, PNG and GIF bytes."""

import io

import numpy as np
from PIL import Image

from vae_core.images import digit_image, gif_bytes, mosaic, png_bytes, to_uint8, upscale


def test_upscale_makes_solid_blocks():
    img = np.array([[0, 255], [128, 7]], np.uint8)
    big = upscale(img, 3)
    assert big.shape == (6, 6)
    assert np.all(big[:3, 3:] == 255) and np.all(big[3:, :3] == 128)


def test_digit_image_size_and_values():
    probs = np.zeros((28, 28), np.float32)
    probs[0, 0] = 1.0
    pic = digit_image(probs, 10)
    assert pic.size == (280, 280) and pic.mode == "L"
    arr = np.asarray(pic)
    assert arr[:10, :10].min() == 255 and arr[10:, 10:].max() == 0
    assert to_uint8(np.array([-1.0, 0.5, 2.0])).tolist() == [0, 128, 255]


def test_mosaic_layout_and_padding():
    imgs = np.stack([np.full((2, 3), i, np.float32) for i in range(5)])
    m = mosaic(imgs, 2, pad=1, fill=-1)
    assert m.shape == (3 * 2 + 2, 2 * 3 + 1)
    assert m[0, 0] == 0 and m[0, 4] == 1 and m[3, 0] == 2 and m[6, 0] == 4
    assert m[2, 0] == -1 and m[6, 4] == -1  # padding and the empty last cell


def test_png_and_gif_round_trip():
    frames = np.linspace(0, 1, 4, dtype=np.float32)[:, None, None] * np.ones((4, 28, 28), np.float32)
    png = Image.open(io.BytesIO(png_bytes(frames[2], scale=2)))
    assert png.size == (56, 56)
    gif = Image.open(io.BytesIO(gif_bytes(frames, scale=2, bounce=True)))
    assert gif.n_frames == 6 and gif.info.get("loop") == 0  # 4 forward, 2 back
    gif.seek(3)
    assert np.asarray(gif.convert("L")).mean() > 250
