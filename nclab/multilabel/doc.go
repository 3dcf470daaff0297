// Package multilabel scores multi-label predictions against the truth (METHOD.md §8):
// F1 (samples, micro, macro), subset (exact-match) accuracy, Hamming loss, Jaccard
// (samples) and, given logits, the softmax mass on the true label set — overall and for
// the samples of each true multiplicity.
//
// Evaluate returns a Report. The definitions, averaging and zero-division conventions
// are scikit-learn 1.2's with its default zero_division="warn" (an undefined ratio
// counts as 0, without the warning), applied to the N x K indicator matrices of the
// sets, with every one of the K classes as a label:
//
//   - F1Samples: mean over samples of 2 P_i R_i/(P_i + R_i), with the sample's precision
//     P_i = |S ∩ Ŝ|/|Ŝ| and recall R_i = |S ∩ Ŝ|/|S| (0 when undefined) —
//     f1_score(average="samples").
//   - F1Micro: the same from the counts summed over samples and classes —
//     f1_score(average="micro").
//   - F1Macro: mean over the K classes of the per-class F1; a class neither true nor
//     predicted scores 0 — f1_score(average="macro").
//   - SubsetAccuracy: fraction of samples with Ŝ = S — accuracy_score.
//   - HammingLoss: fraction of the N x K indicator entries that differ — hamming_loss.
//   - JaccardSamples: mean over samples of |S ∩ Ŝ|/|S ∪ Ŝ| —
//     jaccard_score(average="samples").
//   - SoftmaxMassIoU: mean over samples of sum_{k in S} softmax(z)_k. The reference code
//     calls it "IoU" (the paper's Table 2); it is not the Jaccard index above, hence
//     the name.
//
// ByMultiplicity[m] holds the same scores computed on the samples whose true set has m
// labels only (scikit-learn applied to those rows; F1Macro still averages over all K
// classes, so classes absent from those rows count as 0).
//
// Every true set must be non-empty; a predicted set may be empty (a one-vs-all head can
// predict nothing), which scores 0 for that sample's F1 and Jaccard.
package multilabel
