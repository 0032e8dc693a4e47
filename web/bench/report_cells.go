package main

import (
	"fmt"
	"math"
)

func cell(s summary, prec int) string {
	if s.n == 0 {
		return "not reached"
	}
	out := num(s.med, prec)
	if s.of > 1 {
		out += fmt.Sprintf(" (%s–%s)", num(s.min, prec), num(s.max, prec))
	}
	if s.n < s.of {
		out += fmt.Sprintf(", %d of %d", s.n, s.of)
	}
	return out
}

func wasmCell(s summary) string {
	if s.n == 0 || s.max == 0 {
		return "–"
	}
	return cell(s, 1)
}

func num(x float64, prec int) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, x)
}

func times(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", x)
}

func pct(after, before int64) string {
	return fmt.Sprintf("%+.1f %%", 100*(float64(after)-float64(before))/float64(before))
}
