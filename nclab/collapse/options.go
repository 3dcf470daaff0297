package collapse

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

func (o *Options) rtol() float64 {
	if o == nil || o.PinvRTol == 0 {
		return DefaultPinvRTol
	}
	return o.PinvRTol
}

func (o *Options) referenceCode() bool { return o != nil && o.ReferenceCode }
