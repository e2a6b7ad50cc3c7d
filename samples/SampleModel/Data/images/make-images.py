#!/usr/bin/env python3
"""Renders the sample image classifier's labelled images with ImageMagick's `convert` (Debian: apt-get install imagemagick).

Four classes of simple shapes (circle, square, triangle, star) in random colours, sizes, positions and rotations on random
backgrounds. The seed is fixed, so a rerun renders the same scenes. train/ is what the classifier learns from at start-up;
heldout/ holds other scenes (PNG and JPEG) that only the tests use.

Run from anywhere: python3 samples/SampleModel/Data/images/make-images.py
"""
import math
import os
import random
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 64
CLASSES = ["circle", "square", "triangle", "star"]
TRAIN_PER_CLASS = 10
HELDOUT_PER_CLASS = 3


def colour(rng, light):
    low, high = (150, 255) if light else (0, 140)
    return "rgb({},{},{})".format(*(rng.randint(low, high) for _ in range(3)))


def polygon(cx, cy, radius, corners, angle, inner=None):
    points = []
    count = corners * 2 if inner else corners
    for i in range(count):
        r = inner * radius if inner and i % 2 else radius
        a = angle + 2 * math.pi * i / count
        points.append("{:.1f},{:.1f}".format(cx + r * math.sin(a), cy - r * math.cos(a)))
    return "polygon " + " ".join(points)


def shape(rng, label):
    radius = rng.uniform(14, 26)
    cx = rng.uniform(radius + 2, SIZE - radius - 2)
    cy = rng.uniform(radius + 2, SIZE - radius - 2)
    angle = rng.uniform(0, 2 * math.pi)
    if label == "circle":
        return "circle {:.1f},{:.1f} {:.1f},{:.1f}".format(cx, cy, cx + radius, cy)
    if label == "square":
        return polygon(cx, cy, radius, 4, angle)
    if label == "triangle":
        return polygon(cx, cy, radius, 3, angle)
    return polygon(cx, cy, radius, 5, angle, inner=0.45)


def render(rng, label, path):
    background_light = rng.random() < 0.5
    subprocess.run(
        ["convert", "-size", f"{SIZE}x{SIZE}", "xc:" + colour(rng, background_light),
         "-fill", colour(rng, not background_light), "-stroke", "none",
         "-draw", shape(rng, label), "-strip", path],
        check=True)


def main():
    rng = random.Random(20261201)
    for part in ("train", "heldout"):
        shutil.rmtree(os.path.join(HERE, part), ignore_errors=True)
    for label in CLASSES:
        for part, count in (("train", TRAIN_PER_CLASS), ("heldout", HELDOUT_PER_CLASS)):
            folder = os.path.join(HERE, part, label)
            os.makedirs(folder)
            for i in range(count):
                # One held-out scene per class is a JPEG, so the tests cover both decoders.
                extension = "jpg" if part == "heldout" and i == count - 1 else "png"
                render(rng, label, os.path.join(folder, f"{label}-{i + 1:02d}.{extension}"))


if __name__ == "__main__":
    main()
