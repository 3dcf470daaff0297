// Package decode turns last-layer features into label-set predictions, the two ways
// the paper compares in its Table 1 (METHOD.md §8):
//
//   - ONN, the nearest label-set mean: FitONN computes the mean training feature mu_S of
//     every label set S seen in training (all multiplicities); ONN.Predict assigns a test
//     feature the set with the nearest mean (Euclidean by default, Cosine as an option)
//     and reports the distance and the margin to the runner-up. Under multi-label neural
//     collapse (Theorem 1, METHOD.md §3) every feature of S sits at mu_S, so ONN is exact;
//     it can never output a set absent from training.
//   - OvA, binary relevance: FitOvA trains K logistic heads on frozen features (the
//     summed binary cross-entropy of METHOD.md §2, mean over samples) by full-batch
//     L-BFGS (gonum/optimize) from zero, with the loss and gradient computed by a GoMLX
//     graph, until the mean training loss reaches OvAOptions.TargetLoss; a class is
//     predicted when its sigmoid is >= 0.5. FitOvATuned instead trains on a seeded part
//     of the training set and picks the threshold maximising sample F1 on the rest.
//
// Both report FLOPs, counted analytically (each multiply, add, divide, square root,
// exponential, logarithm and comparison counts one): ONN's fit (the means) and
// 2ds + 2d + 6s per prediction for s sets in d dimensions; OvA's fit (every loss-and-
// gradient evaluation, 4ndK + 15nK + 3dK, plus L-BFGS bookkeeping, plus threshold tuning)
// and 2dK + 2K per prediction. The formulas and their terms are documented next to the
// functions that compute them (onnPredictFLOPs, ovaEvaluationFLOPs, …).
package decode
