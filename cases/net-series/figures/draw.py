"""Draws the SYNTHETIC images of this fictional case series: axial "MRI" slices of a liver
with metastases, made from ellipses and seeded noise. No patient's image is used; each image
says SYNTHETIC in its corner. Run from this folder: ``python draw.py`` (same files each run)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 400


def _ellipse(y: np.ndarray, x: np.ndarray, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0


def slice_image(seed: int, lesions: list[tuple[float, float, float]], *, dwi: bool) -> Image.Image:
    """A slice: body, liver, spine, and ``lesions`` (x, y, radius) bright on T2 or DWI."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(float)
    image = np.zeros((HEIGHT, WIDTH))
    image[_ellipse(y, x, 240, 200, 215, 165)] = 0.22 if dwi else 0.35  # body
    image[_ellipse(y, x, 175, 185, 120, 105)] = 0.30 if dwi else 0.22  # liver
    image[_ellipse(y, x, 245, 315, 30, 26)] = 0.05 if dwi else 0.15  # vertebra
    image[_ellipse(y, x, 330, 170, 45, 40)] = 0.45 if dwi else 0.55  # stomach
    for lx, ly, radius in lesions:
        image[_ellipse(y, x, lx, ly, radius, radius * 0.9)] = 0.95 if dwi else 0.8
    image += rng.normal(0.0, 0.035, image.shape)
    pixels = (np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    picture = Image.fromarray(pixels, mode="L")
    ImageDraw.Draw(picture).text((WIDTH - 78, HEIGHT - 16), "SYNTHETIC", fill=200)
    return picture


BEFORE = [(140.0, 160.0, 26.0), (200.0, 230.0, 17.0), (120.0, 230.0, 11.0)]
AFTER = [(140.0, 160.0, 15.0), (200.0, 230.0, 9.0)]

if __name__ == "__main__":
    slice_image(1, BEFORE, dwi=False).save("p2-t2-before.png")
    slice_image(2, BEFORE, dwi=True).save("p2-dwi-before.png")
    slice_image(3, AFTER, dwi=False).save("p2-t2-after.png")
    slice_image(4, AFTER, dwi=True).save("p2-dwi-after.png")
