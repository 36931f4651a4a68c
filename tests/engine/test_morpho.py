"""Morphometrics (vae_core.morpho) on synthetic strokes whose thickness, slant and size are known."""

import math

import numpy as np
import pytest
from skimage.draw import polygon

from vae_core import morpho


def stroke(slant_deg: float = 0.0, width: float = 3.0, top: int = 5, bottom: int = 23) -> np.ndarray:
    """A straight stroke `width` pixels across (horizontally), its top leaning right by the angle."""
    t, mid, img = math.tan(math.radians(slant_deg)), (top + bottom) / 2, np.zeros((28, 28))
    col = lambda r: 14 + t * (mid - r)  # noqa: E731
    rr, cc = polygon([top, top, bottom, bottom], [col(top) - width / 2, col(top) + width / 2,
                                                  col(bottom) + width / 2, col(bottom) - width / 2], (28, 28))
    img[rr, cc] = 1.0
    return img


@pytest.mark.parametrize("deg", [-20, -10, 0, 10, 25])
def test_slant_is_the_strokes_lean(deg):
    assert math.degrees(morpho.measure(stroke(deg))["slant"]) == pytest.approx(deg, abs=1.0)


@pytest.mark.parametrize("width", [2, 3, 5, 7])
def test_thickness_is_the_strokes_width(width):
    img = np.zeros((28, 28))
    img[6:22, 14 - width // 2: 14 - width // 2 + width] = 1.0
    m = morpho.measure(img)
    assert m["thickness"] == pytest.approx(width, rel=0.15)  # the skeleton's end forks are thinner
    assert m["area"] == pytest.approx(16 * width, rel=0.1)
    assert m["height"] == pytest.approx(16, abs=1.0)
    assert 15 <= m["length"] <= 16 + width  # a bar's skeleton: its length, and forks at its ends


def test_a_wider_shape_is_measured_wider_and_a_slanted_one_no_wider():
    narrow, wide = np.zeros((28, 28)), np.zeros((28, 28))
    narrow[6:22, 11:17], wide[6:22, 6:22] = 1.0, 1.0
    assert morpho.measure(wide)["width"] > morpho.measure(narrow)["width"] + 8
    upright, leaning = morpho.measure(stroke(0)), morpho.measure(stroke(20))
    assert leaning["width"] == pytest.approx(upright["width"], abs=0.75)  # measured along the slant


def test_no_ink_gives_no_numbers_and_many_images_give_a_row_each(tmp_path):
    assert all(math.isnan(v) for v in morpho.measure(np.zeros((28, 28))).values())
    values = morpho.measure_many(np.stack([stroke(0), stroke(10, 5.0)]) * 255)  # uint8-like scale
    assert values.shape == (2, len(morpho.ATTRIBUTES))
    assert values[1, morpho.ATTRIBUTES.index("thickness")] > values[0, morpho.ATTRIBUTES.index("thickness")]
    saved = morpho.load(morpho.save(tmp_path / "m.npz", values, [1, 7]))
    assert saved["attributes"] == morpho.ATTRIBUTES and list(saved["labels"]) == [1, 7]


def test_the_shipped_measurements_of_the_test_set_reproduce(data_root):
    from helpers import CHECKPOINTS

    from vae_core.data import raw_test_images

    shipped = morpho.load(CHECKPOINTS / "atlas" / "mnist_morpho.npz")
    images, labels = raw_test_images("mnist", data_root)
    assert np.array_equal(shipped["labels"], labels) and shipped["values"].shape == (10_000, 6)
    for i in (0, 1, 4321, 9999):
        assert np.allclose(morpho.measure_many(images[i : i + 1])[0], shipped["values"][i], rtol=1e-5)
    slant = shipped["values"][:, morpho.ATTRIBUTES.index("slant")]
    assert (slant > 0).mean() > 0.5  # most handwriting leans right: the sign says which way
