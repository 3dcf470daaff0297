package collapse

import (
	"math"
	"strconv"
)

// JSON is the form printed by `nclab collapse --json`: the keys nc1, nc_m, nc2_w,
// nc2_h, nc3, nc3_papyan, angle and gamma of the contract, plus the angle's
// numerator and denominator, the per-count angle ratios, the agreement, the subspace
// split (with W) and what the numbers were computed from. Maps are keyed by multiplicity (and sample count) as
// strings; a metric that could not be computed is null.
type JSON struct {
	NC1             *float64                       `json:"nc1"`
	NCm             map[string]*float64            `json:"nc_m"`
	NC2W            *float64                       `json:"nc2_w"`
	NC2H            *float64                       `json:"nc2_h"`
	NC3             *float64                       `json:"nc3"`
	NC3Papyan       *float64                       `json:"nc3_papyan"`
	Angle           map[string]*float64            `json:"angle"`
	Gamma           map[string]*float64            `json:"gamma"`
	AngleMatched    map[string]*float64            `json:"angle_matched_deg"`
	AngleAll        map[string]*float64            `json:"angle_all_deg"`
	AngleByCount    map[string]map[string]*float64 `json:"angle_by_count"`
	NCCAgreement    *float64                       `json:"ncc_agreement"`
	K               int                            `json:"k"`
	D               int                            `json:"d"`
	N               int                            `json:"n"`
	NByMultiplicity map[string]int                 `json:"n_by_multiplicity"`
	Variant         string                         `json:"variant"`
	PinvRTol        float64                        `json:"pinv_rtol"`
	Notes           []string                       `json:"notes,omitempty"`
	// Subspace is the subspace split, present only when W was given.
	*Subspace
}

// Subspace holds the keys of the subspace split (METHOD.md §5): angle_row and
// angle_null keyed like angle, nc1_row, null_energy and the rank of W.
type Subspace struct {
	AngleRow   map[string]*float64 `json:"angle_row"`
	AngleNull  map[string]*float64 `json:"angle_null"`
	NC1Row     *float64            `json:"nc1_row"`
	NullEnergy *float64            `json:"null_energy"`
	WRank      int                 `json:"w_rank"`
}

// JSON returns the metrics in the form of `nclab collapse --json`.
func (met *Metrics) JSON() JSON {
	variant := "paper"
	if met.opts.ReferenceCode {
		variant = "reference-code"
	}
	j := JSON{
		NC1: finite(met.NC1), NCm: byMultiplicity(met.NCm),
		NC2W: finite(met.NC2W), NC2H: finite(met.NC2H), NC3: finite(met.NC3), NC3Papyan: finite(met.NC3Papyan),
		Angle: byMultiplicity(met.Angle), Gamma: byMultiplicity(met.Gamma),
		AngleMatched: byMultiplicity(met.AngleMatched), AngleAll: byMultiplicity(met.AngleAll),
		AngleByCount: map[string]map[string]*float64{},
		NCCAgreement: finite(met.NCCAgreement),
		K:            met.K, D: met.D, N: met.N, NByMultiplicity: map[string]int{},
		Variant: variant, PinvRTol: met.opts.rtol(), Notes: met.Notes,
	}
	if met.AngleRow != nil {
		j.Subspace = &Subspace{AngleRow: byMultiplicity(met.AngleRow), AngleNull: byMultiplicity(met.AngleNull),
			NC1Row: finite(met.NC1Row), NullEnergy: finite(met.NullEnergy), WRank: met.WRank}
	}
	for m, groups := range met.AngleByCount {
		j.AngleByCount[strconv.Itoa(m)] = byMultiplicity(groups)
	}
	for m, n := range met.NByMultiplicity {
		j.NByMultiplicity[strconv.Itoa(m)] = n
	}
	return j
}

// finite returns nil (JSON null) for NaN and ±Inf.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func byMultiplicity(values map[int]float64) map[string]*float64 {
	out := map[string]*float64{}
	for key, v := range values {
		out[strconv.Itoa(key)] = finite(v)
	}
	return out
}
