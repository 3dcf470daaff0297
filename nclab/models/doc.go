// Package models holds nclab's networks, written in GoMLX: each returns the
// penultimate features h = phi(x) together with the logits W h + b.
//
// Architectures (Archs): an MLP (depth, width), a small CNN (3 conv blocks
// 32-64-d), a conv+MLP, a 5-layer CNN, and ResNet18/50 and VGG16/19 with the
// small-image stems of METHOD.md §7 (3x3 stride-1 stem, no max-pool; VGG with
// BN and global average pooling). Convolutions run through package conv (patch
// extraction + one matrix product), fast on the pure-Go backend. The input can
// be average-pooled (Config.InputPool) and zero-padded (Config.InputPad) first:
// the quick CPU runs pool M-lab MNIST's 56x56 to 28x28, and [FitInput] gives
// the padding that VGG's five max-pools need (28 -> 32 pixels).
//
// Heads (Heads): "learned", a linear layer with bias, or "etf", a frozen
// simplex ETF (METHOD.md §4, package etf, identity embedding as the reference
// code) with a trainable bias, where the last block outputs d = K channels
// ("fix_dim"). [ParameterCounts] counts the trainable parameters of both heads,
// [SavedFraction] is the fraction saved, and [ParametersSaved] (both in one
// call) reproduces the parameters-saved percentages
// of METHOD.md §7 (ResNet18 20.7 %, ResNet50 4.5 %, VGG16 15.8 %, VGG19 11.6 %).
//
// [Model.Products] counts the multiply-accumulates per example of a model's
// convolutions, dense layers and head in the forward pass and in both
// gradients (the same count as PyTorch's layers give; bench/train.sh turns it
// into each side's FLOP rate).
//
// A [Model] keeps its variables in a GoMLX model.Store: trainable weights
// (initialised as PyTorch's defaults, from a seed and the variable's path),
// the frozen ETF and the batch-norm running averages (PyTorch semantics,
// momentum 0.1). Training is in package train.
package models
