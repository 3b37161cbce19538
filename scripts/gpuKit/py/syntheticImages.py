"""Seeded synthetic photos for the top-k rows: smooth colour waves, soft blobs and sensor-like noise, so that every
image differs and every channel of a CNN sees varied content (never a blank or constant image). Image i depends
on i alone, so any chunk of the folder can be written by any worker and a rerun writes the same bytes."""
import os

import numpy as np

SEED = 20240


def synthetic_image(i, size):
    """Image i: size x size x 3 uint8."""
    rng = np.random.default_rng([SEED, i])
    coords = np.arange(size, dtype=np.float32)
    px = np.full((size, size, 3), 0.2, dtype=np.float32)
    for _ in range(3):
        fx, fy = (rng.random(2) - 0.5) * 0.3
        phase = rng.random() * 2 * np.pi
        color = rng.random(3).astype(np.float32)
        # sin(fx x + fy y + phase) as a sum of two outer products: two rows of sines instead of size^2.
        a, b = fx * coords + phase, fy * coords
        s = 0.5 + 0.5 * (np.outer(np.cos(b), np.sin(a)) + np.outer(np.sin(b), np.cos(a)))
        px += 0.25 * s[..., None] * color
    for _ in range(4):
        cx, cy = rng.random(2) * size
        r = (8 + rng.random() * 40) * size / 224
        color = rng.random(3).astype(np.float32)
        # Only the blob's bounding box is touched.
        y0, y1 = max(0, int(cy - r)), min(size, int(cy + r) + 1)
        x0, x1 = max(0, int(cx - r)), min(size, int(cx + r) + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        d2 = ((coords[x0:x1][None, :] - cx) ** 2 + (coords[y0:y1][:, None] - cy) ** 2)[..., None] / (r * r)
        box = px[y0:y1, x0:x1]
        px[y0:y1, x0:x1] = np.where(d2 < 1, box * d2 + color * (1 - d2), box)
    px = 255 * px + rng.integers(-6, 7, size=(size, size, 3)).astype(np.float32)
    return np.clip(px, 0, 255).astype(np.uint8)


def image_name(i):
    return f'img{i:05d}.jpg'


def write_images(out_dir, start, count, size):
    """Writes images start .. start + count - 1 as JPEGs (quality 90) into out_dir; returns how many."""
    from PIL import Image
    for i in range(start, start + count):
        Image.fromarray(synthetic_image(i, size), 'RGB').save(os.path.join(out_dir, image_name(i)), quality=90)
    return count
