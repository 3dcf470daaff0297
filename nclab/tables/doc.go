// Package tables holds the paper's two result tables as data and renders them as
// Markdown (for terminals and reports) and HTML (for notebooks).
//
//   - Table1 compares decoders on frozen features (METHOD.md §8, the paper's Table 1):
//     per dataset variant and method (one-vs-all heads, OvA with a tuned threshold, ONN),
//     the sample-averaged F1 and subset (exact-match) accuracy overall and per true
//     multiplicity, and the FLOPs of prediction (OvA including its head training), in
//     billions. Table1Rows builds them from a decode.Comparison (multilabel reports
//     and decode FLOP counts).
//   - Table2 compares a learned classifier head with a frozen simplex-ETF head on a
//     feature dimension reduced to K (METHOD.md §7 "fix_dim", the paper's Table 2): test
//     softmax-mass IoU (the paper's "IoU", sum_{k in S} softmax(z)_k, METHOD.md §8), test
//     Jaccard |S ∩ Ŝ| / |S ∪ Ŝ| of the ONN prediction Ŝ, and the share of trainable
//     parameters saved, (learned - ETF) / learned. HeadResultFromRun scores a training
//     run directory, ParametersRow holds the parameter counts of an untrained network
//     (models.ParameterCounts); PaperTable2IoU holds the paper's published IoU values for
//     side-by-side display.
package tables
