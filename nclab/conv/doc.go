// Package conv holds the convolutional building blocks of nclab's models,
// written so that they run fast on GoMLX's pure-Go backend, whose direct
// convolution (graph.Convolve) is a scalar loop, while its matrix product is
// vectorised (AVX2/AVX-512 with GOEXPERIMENT=simd).
//
//   - [Conv2D]: a square-kernel NHWC convolution as [Patches] (Pad + one
//     GatherSlices of contiguous blocks, i.e. im2col) and one matrix product
//     whose weight gradient avoids transposing the patch matrix, in chunks of
//     images whose patch matrix stays in the cache when it is large. On other
//     backends (XLA on CPU or CUDA) it is graph.Convolve, their native
//     convolution.
//   - [MaxPool2D]: non-overlapping max-pooling as element-wise Max of row
//     and column slices.
//   - [AvgPool2D]: non-overlapping average pooling, the same way.
//   - [GlobalAvgPool]: the mean over the spatial axes.
//   - [BatchStatistics], [Normalize], [RunningUpdate]: batch normalisation
//     with the gradient flowing through the batch statistics and PyTorch's
//     running-average semantics (momentum 0.1, unbiased running variance).
//
// Every gradient the models rely on is checked against finite differences in
// the tests, and Conv2D against graph.Convolve. The models that use these
// blocks (METHOD.md §7) are in package models.
package conv
