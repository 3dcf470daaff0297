// Package plots draws the pictures of multi-label neural collapse with gonum/plot and
// renders them as PNG (for GoNB's gonbui.DisplayPng and the HTML reports) or SVG.
//
// Every function builds a *plot.Plot (or a grid of them) from plain data and returns an
// error for input it cannot draw (mismatched lengths, non-positive values on a log axis,
// an empty matrix) instead of drawing something wrong:
//
//   - Curves: collapse metrics against epochs or steps, log y axis when values span
//     decades (NC1, NC2, NC3 and the angle ratio of METHOD.md §5 fall over decades),
//     with DecadeTicks on log axes; PositiveSeries keeps the points a log axis can
//     show. The legend goes to the emptiest corner. SeriesOf turns named quantities
//     of a training history (nclab/train.Series, nclab/ufm.Series) into such series.
//   - Heatmap and GramHeatmap: a matrix with its values written in the cells; GramHeatmap
//     draws the cosine Gram matrix of the rows of W or of the class means, to compare
//     with the simplex ETF's 1 on the diagonal and -1/(K-1) off it (METHOD.md §4).
//   - Project, Scatter2D and Scatter3D: features projected onto the span of the
//     multiplicity-1 class means (uncentred, so the origin stays the origin), each label
//     set's mean drawn against the sum or the average of its tags' means — the
//     tag-wise-average geometry of Theorem 1 (METHOD.md §3), like the paper's Figure 1.
//   - ContactSheet: sample images with their label sets as captions (ImageFromFloats
//     converts a float32 HWC image in [0, 1], e.g. from data.Set.Batch); SetSheet
//     draws the samples of a data.Set (nclab data sheet).
//   - GroupedBars: one bar per method within each group, for the paper's tables.
//   - PNG, SVG and GridPNG render plots to bytes.
//
// Golden-image tests (testdata/*_golden.png) guard the drawings; regenerate them with
// `go test ./nclab/plots -regen` after an intended change, and look at them.
package plots
