// Package etf builds simplex equiangular tight frames (ETFs) and measures how far a
// matrix is from one (METHOD.md §4 and the ETF distance E(A) of §5).
//
// A K-class simplex ETF is E = sqrt(K/(K-1)) (I_K - 11^T/K): K unit-norm rows with
// pairwise cosine -1/(K-1), summing to zero, of rank K-1. Theorem 1 of the paper
// (METHOD.md §3) says the classifier of a PAL-trained model converges to a scaled,
// rotated copy of it.
//
//   - Simplex(k) returns E itself (K x K).
//   - Embedded(k, d, seed, identity) returns E placed in d >= K-1 dimensions by an
//     orthonormal embedding: W = E U^T with U in R^{d x K} (d >= K), seeded random
//     (Haar) or the identity embedding [I_K; 0] used by the reference code.
//   - Target(k) is the normalised Gram target T = (I - 11^T/K)/sqrt(K-1), ||T||_F = 1.
//   - Distance(A) is E(A) = || A A^T/||A A^T||_F - T ||_F, zero exactly when the rows
//     of A form a scaled simplex ETF.
package etf
