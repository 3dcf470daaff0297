#!/usr/bin/env python3
"""Fixture for mlab's placement: canvases computed with NumPy the way METHOD.md §6 says
(np.pad into the 2Hx2W canvas, np.roll down/right for the MNIST layout; a corner moved
inward for the CIFAR layout; np.maximum to merge). Writes placements.json.
Usage: python3 make_placements.py > placements.json
"""
import json

import numpy as np

rng = np.random.default_rng(0)
H, W, C = 3, 4, 2
images = rng.integers(1, 256, size=(3, H, W, C), dtype=np.uint8)
CORNERS = {0: (0, 0), 1: (0, W), 2: (H, 0), 3: (H, W)}  # top-left, top-right, bottom-left, bottom-right


def roll_layout(img, pos, dy, dx):
    top, left = CORNERS[pos]
    canvas = np.pad(img, ((top, H - top), (left, W - left), (0, 0)))
    return np.roll(canvas, (dy, dx), axis=(0, 1))


def inward_layout(img, pos, dy, dx):
    top, left = CORNERS[pos]
    top = top + dy if top == 0 else top - dy
    left = left + dx if left == 0 else left - dx
    canvas = np.zeros((2 * H, 2 * W, C), np.uint8)
    canvas[top:top + H, left:left + W] = img
    return canvas


cases = []
for layout, fn in [("roll", roll_layout), ("inward", inward_layout)]:
    for _ in range(6):
        m = int(rng.integers(1, 4))
        positions = rng.permutation(4)[:m]
        parts = [{"source": int(rng.integers(0, 3)), "position": int(p),
                  "dy": int(rng.integers(0, H)), "dx": int(rng.integers(0, W))} for p in positions]
        canvas = np.zeros((2 * H, 2 * W, C), np.uint8)
        for p in parts:
            canvas = np.maximum(canvas, fn(images[p["source"]], p["position"], p["dy"], p["dx"]))
        cases.append({"layout": layout, "parts": parts, "canvas": canvas.flatten().tolist()})

print(json.dumps({"height": H, "width": W, "channels": C, "images": images.flatten().tolist(), "cases": cases}))
