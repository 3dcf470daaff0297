// Package labelset holds the label sets of multi-label learning: a sorted,
// validated set S ⊆ [K] of class indices, its multiplicity m = |S|, the
// lexicographic enumeration S^m_0, S^m_1, … of the C(K,m) sets of size m, the
// multi-hot encoding y_S = Σ_{k∈S} e_k, and dataset statistics with the
// "balanced within each multiplicity" check that Theorem 1 needs.
//
// Notation follows METHOD.md §1 (Li, Li, Wang, Qu, ICML 2024, §2).
package labelset
