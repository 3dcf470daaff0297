// Package collapse measures neural collapse in multi-label features: every metric of
// METHOD.md §5, computed from last-layer features h_i, their label sets S_i and,
// optionally, the classifier W (K x d) and bias b.
//
// Two ways in, same numbers:
//
//   - Compute(k, features, sets, w, b, opts) takes all features at once (an N x d
//     matrix, as read from a .npy file); ComputeSource does the same over any
//     re-readable Source (a .npy file streamed in chunks). When K is small next to d
//     they keep no d x d matrix (memory O(d) per label set plus one block of rows) and
//     make a few passes: set means, then projections on the between-class directions.
//     When K is large next to d (K = 1,000, d = 2,048, say), where those projections
//     would cost more than the d x d within-class scatter, they read the features once
//     the Accumulator's way, plus one pass for the NCC agreement, which runs while
//     the metrics are computed from the first.
//   - NewAccumulator(k, d, opts), then Add or AddFloat32 for each batch and Result(w, b)
//     at the end, for features that arrive in batches (a training loop): memory is
//     O(d^2) per multiplicity and O(d) per label set, whatever N is.
//
// # Metrics (Metrics, METHOD.md §5)
//
// mu_k is the mean of the multiplicity-1 features of class k, mu_S the mean of the
// features with label set S, mu_G the mean of the multiplicity-1 features (for NC_m,
// of the multiplicity-m features), M the K x d matrix of rows mu_k - mu_G.
//
//   - NC1 = tr(Sigma_W pinv(Sigma_B))/K on the multiplicity-1 features (Papyan et al.
//     2020), with Sigma_W = (1/N_1) sum_i (h_i - mu_{S_i})(h_i - mu_{S_i})^T and
//     Sigma_B = (1/K) sum_k (mu_k - mu_G)(mu_k - mu_G)^T.
//   - NCm[m]: the same ratio with the present label sets of size m as the classes
//     (Sigma_B over the r present sets, divided by r); NCm[1] = NC1. Reported for every
//     multiplicity with at least two present sets.
//   - NC2W = E(W) and NC2H = E(M), the ETF distance of package etf.
//   - NC3 = || W M^T/||W M^T||_F - T ||_F (Zhu et al. 2021) and
//     NC3Papyan = || W/||W||_F - M/||M||_F ||_F (Papyan et al. 2020).
//   - Angle[m], m >= 2: the tag-wise-average angle ratio on uncentred means. Numerator
//     (AngleMatched) = mean over present sets S of angle(sum_{k in S} mu_k, mu_S);
//     denominator (AngleAll) = mean over all m-subsets T of [K] and present S of
//     angle(sum_{k in T} mu_k, mu_S). Degrees, cosines clipped to [-1, 1]. 0 under
//     collapse. AngleByCount[m][n] is the ratio over the sets with n samples each
//     (imbalanced data, METHOD.md §5 last item).
//   - Gamma[m], m >= 2: mean over present sets S of ||mu_S|| / ||mean_{k in S} mu_k||,
//     the measured tag-wise-average scale (Theorem 1: m c_m / c_1).
//   - NCCAgreement: the fraction of multiplicity-1 samples whose nearest class mean
//     mu_k (Euclidean) is the classifier's argmax_k (W h + b)_k (Papyan's NC4).
//     Compute fills it when W is given; with an Accumulator, call
//     Metrics.CountAgreement in a second pass over the data.
//
// # Field metrics (Metrics.CDNV, NC2Uniformity, NC3UniformityCV; METHOD.md §5)
//
// On the multiplicity-1 classes (the plain classes of single-label data), with mu_G
// the mean of the multiplicity-1 features in both variants:
//
//   - CDNV = mean over pairs k < l of (s_k^2 + s_l^2) / (2 ||mu_k - mu_l||^2), with
//     s_k^2 = mean over class k of ||h - mu_k||^2 (Galanti, György and Hutter 2022).
//   - NC2Uniformity: mean and population std over pairs k < l of log(1/||u_k - u_l||),
//     u_k = (mu_k - mu_G)/||mu_k - mu_G|| (hyperspherical uniformity, Liu et al. 2023;
//     Wu and Papyan 2024); for a simplex ETF the std is 0 and the mean
//     -log(2K/(K-1))/2.
//   - NC3UniformityCV: population std / mean over k of cos(w_k, mu_k - mu_G) (uniform
//     duality); NaN without W.
//
// The pairwise terms come from the K x K Gram matrix of the centred means
// (||a - b||^2 = G_aa + G_bb - 2 G_ab, cos = G_ab / sqrt(G_aa G_bb)), so nothing of size
// K^2 x d is ever formed; s_k^2 comes from per-set sums of ||h - shift||^2 around the
// set's first sample, free of cancellation.
//
// With single-label data (every label set of size 1) the JSON form omits the
// multi-label keys (nc_m, angle*, gamma, angle_row, angle_null) instead of printing
// them empty.
//
// # Subspace split (Metrics.AngleRow, AngleNull, NC1Row, NullEnergy; METHOD.md §5)
//
// With W, P is the orthogonal projector onto the span of W's rows (rank WRank: the right
// singular vectors of W whose singular values exceed s_max max(K, d) eps, NumPy's
// matrix_rank tolerance). AngleRow[m] (every m with an Angle) and NC1Row are the angle
// ratio and NC1 above computed on the features P h, AngleNull[m] the angle ratio on
// (I - P) h, and NullEnergy = sum_i ||(I - P) h_i||^2 / sum_i ||h_i||^2. A loss that sees
// h only through W h (PAL) cannot act on (I - P) h. Everything is linear in h, so
// nothing is projected sample by sample: the projected metrics use P mu_S, P mu_k, and
// the within-class scatter along P v; the within-class part of the null energy is the
// per-set spread sum ||h - mu_S||^2 less its part along an orthonormal basis of the row
// space. With P = I (rank d) NullEnergy is 0. Projected class means whose Frobenius
// norm is at most 1e-10 of the unprojected ones are rounding noise: their angle ratios
// are NaN (null in JSON); likewise NC1Row keeps only the directions of P Sigma_B P above
// PinvRTol times the largest eigenvalue of the full-space Sigma_B.
//
// # Numerics
//
// Everything is accumulated in float64. Every metric is scale-invariant, so features
// whose largest magnitude lies beyond 2^±400 (where squares overflow or underflow) are
// first multiplied by a power of two, which is exact (chosen by the largest magnitude
// of all, or by the first batch in an Accumulator, which refuses a later batch far
// beyond it; Compute then reads again at the scale of the largest); the means in Metrics are returned in the
// caller's units (TestExtremeScale: 1e160, 1e-160, 1e300). Collapse makes Sigma_W tiny next to the means,
// so the within-class scatter is never formed as sum h h^T - N mu mu^T: the projection
// way subtracts the set means in its second pass, and the scatter way accumulates around a
// per-set shift (the set's first sample), removing sum_S t_S t_S^T/n_S for the shifted
// sums t_S at the end; both keep NC1 accurate when the within-class spread is 1e-6 of
// the means (TestTinyWithinClassSpread).
//
// Large products may run in float32: with Options.MatMul set (nclab collapse sets it to
// GoMLX's SIMD matmul unless --float64), every block product of at least
// FastProductMin multiply-adds goes through it: the projections of h - mu_S on the
// between-class directions (whose squares are then summed in float64), the scatter of
// h - shift_S over blocks of 1,000 rows (x^T x over the upper block triangle, each
// block's sum added in float64), and the NCC scores [mu_k . h, W h], where a sample
// whose two best classes are within 1e-4 of the scores' scale is decided again in
// float64. The deviations h - mu_S and h - shift_S are formed in float64 before
// rounding, so a tiny within-class spread keeps its relative precision. The dense
// products after the scans (the d x d scatter times the between-class directions,
// projections on W's row space) stay float64, through Options.MatMul64 when set.
// bench/collapse_scale.sh reports the largest relative difference from NumPy over all
// metrics at K = 1,000, d = 2,048. Small inputs (every fixture) never reach
// FastProductMin and are exact float64.
//
// pinv(Sigma_B) is never formed: with M_c = U diag(s) V^T for the r x d centred means,
// Sigma_B = V diag(s^2/r) V^T, and tr(Sigma_W pinv(Sigma_B)) = sum_j (v_j^T Sigma_W v_j)
// r/s_j^2 over the directions whose eigenvalue s_j^2/r exceeds Options.PinvRTol times
// the largest (default 1e-10; NumPy's np.linalg.pinv(Sigma_B, rcond=PinvRTol,
// hermitian=True) keeps the same ones). s_j^2 and v_j come from the eigen-decomposition
// of the smaller of M_c M_c^T (then v_j = M_c^T u_j / s_j) and M_c^T M_c, which is
// cheaper than an SVD of M_c when r and d are in the thousands; eigenvalues are accurate
// to about 1e-16 of the largest, far below the 1e-10 cut. When r <= d the eigenvectors
// are usually not needed: with G = M_c M_c^T, pinv(Sigma_B) = r M_c^T pinv(G)^2 M_c, so
// the ratio is the within-class scatter along the r directions M_c^T pinv(G), and
// pinv(G) has a closed form when G is invertible or when its one eigenvalue below the
// cut belongs to the direction c of the sample counts (for the paper's mu_G,
// sum_k n_k (mu_k - mu_G) = 0): pinv(G) = (G + s c c^T)^-1 - c c^T/s, by one Cholesky
// factorisation. Whether that holds needs no eigenvalue decomposition: the largest
// eigenvalue comes from a Lanczos iteration, and one Cholesky factorisation of the
// shifted matrix minus a bound shows every other eigenvalue above it (Sylvester's law
// of inertia); the eigenvectors are used when the kept eigenvalues may come within 2x
// of the cut or below 1e-6 of the largest, or more than one eigenvalue is cut
// (TestVariabilityByInverse, TestLargestEigenvalue). Likewise W's row space comes from
// CholeskyQR when W W^T has full rank with a margin (s_min >= 1e-4 s_max, by the same
// two tests; one pass when s_min >= 0.1 s_max, CholeskyQR2 otherwise), from the SVD
// otherwise (TestRowSpaceByCholesky). With the scatter at hand (an Accumulator), the
// subspace split works in that basis's coordinates Q^T h: NC1 on P h from the r x r
// projected scatter Q^T Sigma_W Q, and the null energy from its trace and
// ||mu||^2 - ||Q^T mu||^2 (TestSubspaceSplitCoordinates).
// When Sigma_B is zero (all means equal) the ratio is undefined and reported as NaN.
//
// # Reference-code variant
//
// Options.ReferenceCode reproduces three quirks of the authors' code (METHOD.md §5),
// which are not the paper's definitions: mu_G of the multiplicity-1 features divided by
// the count of all samples instead of N_1 (it enters NC1, NC2H, NC3 and NC3Papyan),
// NC2H on the uncentred means mu_k, and arccos without clipping (an angle whose cosine
// rounds past ±1 becomes NaN). NC_m and Gamma are unaffected (the reference code has no
// NC_m).
package collapse
