// Package mlab builds synthetic multi-label image sets by the pad-stack recipe of
// METHOD.md §6 (the paper's Appendix A.1): single-label source images of size HxW are
// placed in a 2Hx2W canvas, and the images of a label set are merged by pixel-wise max.
//
// Two layouts:
//
//   - Roll (M-lab MNIST, 28x28 -> 56x56): a digit sits in one quadrant of the canvas
//     (the quadrant's canvas is the digit padded by H on one vertical side and W on one
//     horizontal side) and the whole canvas is rolled cyclically down by dy and right by
//     dx, dy and dx drawn independently and uniformly from 0..Jitter (Jitter = 6).
//     Multiplicity 1: always the bottom-right quadrant. Multiplicity 2: one digit
//     top-left and the other bottom-right, which one where is random.
//   - Inward (M-lab CIFAR-10, 32x32x3 -> 64x64x3): an image sits in a corner, moved
//     toward the centre by oy and ox drawn independently from 0..Jitter (Jitter = 7),
//     no wrap-around. Multiplicity 1: a random corner. Multiplicity 2: the two images at
//     opposite corners (a random diagonal, random assignment).
//
// Multiplicity 3, beyond the paper's MNIST/CIFAR sets: the three images go to three
// distinct quadrants (Roll) or corners (Inward) drawn at random, in random order, with
// the same jitter. Multiplicity 4 uses all four. Larger label sets are an error.
//
// Every sample draws its own source images: each class has a seeded shuffled stream of
// its source images, consumed in order and reshuffled when exhausted, so a source image
// is reused only once the class's images are used up (M-lab MNIST paper train uses
// 4,900 of the at least 5,421 images per class: no reuse; its test reuses, since the
// test split has 892 to 1,135 images per class and the recipe asks for 1,250).
//
// Determinism: everything random comes from one PCG generator (math/rand/v2, a
// specified algorithm) seeded by Build's seed; the same source, plan and seed give
// byte-identical output. Samples come out grouped in plan order (training shuffles).
//
// Main entry point: Build(src, Recipe) -> Result.
package mlab
