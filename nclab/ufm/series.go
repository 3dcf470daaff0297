package ufm

import (
	"fmt"
	"strconv"
	"strings"
)

// Series returns one quantity of a training trajectory against the step, for
// plots: the steps at which it was recorded (x) and its values (y). name is
// "objective", "grad_norm", "gap" ((f - f*)/|f*|, needs the closed form), or
// one of the collapse metrics (needs TrainConfig.Metrics; METHOD.md §5):
// "nc1", "nc2_w", "nc2_h", "nc3", "nc_M" (within-set variability of
// multiplicity M), "angle_M" (the angle ratio of multiplicity M) or "gamma_M".
// Records without the quantity are left out; an unknown name is an error.
func Series(records []Record, name string) (x, y []float64, err error) {
	get, err := seriesGetter(name)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range records {
		if v, ok := get(r); ok {
			x, y = append(x, float64(r.Step)), append(y, v)
		}
	}
	return x, y, nil
}

func seriesGetter(name string) (func(Record) (float64, bool), error) {
	switch name {
	case "objective":
		return func(r Record) (float64, bool) { return r.Objective, true }, nil
	case "grad_norm":
		return func(r Record) (float64, bool) { return r.GradNorm, true }, nil
	case "gap":
		return func(r Record) (float64, bool) {
			if r.Distance == nil {
				return 0, false
			}
			return r.ObjectiveGap, true
		}, nil
	case "nc1", "nc2_w", "nc2_h", "nc3":
		return func(r Record) (float64, bool) {
			if r.Metrics == nil {
				return 0, false
			}
			return map[string]float64{"nc1": r.Metrics.NC1, "nc2_w": r.Metrics.NC2W, "nc2_h": r.Metrics.NC2H, "nc3": r.Metrics.NC3}[name], true
		}, nil
	}
	prefix, ms, _ := strings.Cut(name, "_")
	m, err := strconv.Atoi(ms)
	if err != nil || m < 1 || (prefix != "nc" && prefix != "angle" && prefix != "gamma") {
		return nil, fmt.Errorf("ufm: Series: unknown quantity %q (want objective, grad_norm, gap, nc1, nc2_w, nc2_h, nc3, nc_M, angle_M or gamma_M)", name)
	}
	return func(r Record) (float64, bool) {
		if r.Metrics == nil {
			return 0, false
		}
		v, ok := map[string]map[int]float64{"nc": r.Metrics.NCm, "angle": r.Metrics.Angle, "gamma": r.Metrics.Gamma}[prefix][m]
		return v, ok
	}, nil
}
