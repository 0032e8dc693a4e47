package main

import (
	"math"
	"sort"
)

// summary is the median, minimum and maximum of the samples that have a
// value (NaN means "not reached"), and how many had one.
type summary struct {
	med, min, max float64
	n, of         int
}

func summarize(xs []float64) summary {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	s := summary{n: len(v), of: len(xs), med: math.NaN(), min: math.NaN(), max: math.NaN()}
	if len(v) == 0 {
		return s
	}
	sort.Float64s(v)
	s.min, s.max = v[0], v[len(v)-1]
	if m := len(v) / 2; len(v)%2 == 1 {
		s.med = v[m]
	} else {
		s.med = (v[m-1] + v[m]) / 2
	}
	return s
}

// column collects one number from each visit.
func column(vs []visit, f func(visit) float64) summary {
	xs := make([]float64, len(vs))
	for i, v := range vs {
		xs[i] = f(v)
	}
	return summarize(xs)
}
