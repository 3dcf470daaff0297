package collapse

import "fmt"

// DefaultPinvRTol is the default relative tolerance of pinv(Sigma_B): eigenvalues at or
// below DefaultPinvRTol times the largest one count as zero.
const DefaultPinvRTol = 1e-10

// Options tune how the metrics are computed. The zero value means the paper's
// definitions with DefaultPinvRTol.
type Options struct {
	// PinvRTol is the relative eigenvalue tolerance of pinv(Sigma_B); 0 means
	// DefaultPinvRTol.
	PinvRTol float64
	// ReferenceCode switches on the reference code's quirks (see the package
	// documentation): its global mean, uncentred NC2 on means, unclipped arccos.
	ReferenceCode bool
}

// validate rejects a PinvRTol that is NaN, negative or at least 1.
func (o *Options) validate() error {
	if o != nil && !(o.PinvRTol >= 0 && o.PinvRTol < 1) {
		return fmt.Errorf("collapse: Options.PinvRTol = %v, want 0 <= PinvRTol < 1 (0 for the default %g)", o.PinvRTol, DefaultPinvRTol)
	}
	return nil
}

func (o *Options) rtol() float64 {
	if o == nil || o.PinvRTol == 0 {
		return DefaultPinvRTol
	}
	return o.PinvRTol
}

func (o *Options) referenceCode() bool { return o != nil && o.ReferenceCode }
