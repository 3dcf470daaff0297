// Package loss holds the multi-label training losses of METHOD.md §2 as GoMLX graph
// functions, with float64 reference versions used to test them.
//
// Every graph function takes logits z [N, K] and multi-hot targets y [N, K] of the same
// float dtype and returns the per-sample losses [N]:
//
//   - PAL (pick-all-labels cross-entropy): L = -sum_k y_k log softmax(z)_k, a sum over
//     the labels in the set, without 1/m. With multi-hot y it equals the cross-entropy
//     with the multi-hot vector as target.
//   - PALNormalized (PAL-N): L / m with m = sum_k y_k; the reference code's 0.5/0.5
//     targets on two-label samples.
//   - OneVsAll (binary relevance): sum_k BCE(sigmoid(z_k), y_k), written as
//     softplus(z_k) - y_k z_k with a softplus whose gradient is exact everywhere.
//
// Kind names one of them ("pal", "pal-n", "ova") for flags and hyper-parameters.
// Reference computes the same losses in float64 on plain slices; the tests check the
// graph gradients against finite differences of Reference.
package loss
