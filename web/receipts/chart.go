package receipts

import (
	"strconv"
	"time"
)

// The statistics page draws its charts as inline SVG: nothing is fetched,
// nothing runs in the page. A chart is laid out here, in numbers the
// template writes into <rect>, <polyline> and <text> elements.

// Chart geometry, in SVG user units.
const (
	chartWidth   = 760
	chartHeight  = 250
	chartLeft    = 52 // room for the y labels
	chartRight   = 12
	chartTop     = 12
	chartBottom  = 28 // room for the x labels
	chartXLabels = 6
	chartColours = 6 // category line colours, k0..k5 in the page's CSS
)

// chart is one drawn chart.
type chart struct {
	Label         string // the chart's accessible name
	Width, Height int
	Grid, XLabels []tick
	Bars          []bar
	Lines         []polyline
	Dots          []dot
	Legend        []legendItem
	PlotLeft      string
	PlotRight     string
	PlotTop       string
	PlotBottom    string
	AxisX, LabelY string // where the y labels end and the x labels sit
}

type tick struct{ X, Y, Label string }

type bar struct{ X, Y, W, H, Class, Title string }

type polyline struct{ Class, Points string }

type dot struct{ X, Y, Class, Title string }

type legendItem struct{ Class, Label string }

// num writes a coordinate.
func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// frame is the plot area of a chart of n days whose values go up to top.
type frame struct {
	n      int
	top    float64
	plotW  float64
	plotH  float64
	bottom float64
}

func newChart(label string, days []dayRow, top float64, percent bool) (*chart, frame) {
	f := frame{
		n: len(days), top: top,
		plotW: chartWidth - chartLeft - chartRight, plotH: chartHeight - chartTop - chartBottom,
		bottom: chartHeight - chartBottom,
	}
	c := &chart{
		Label: label, Width: chartWidth, Height: chartHeight,
		PlotLeft: num(chartLeft), PlotRight: num(chartWidth - chartRight), PlotTop: num(chartTop), PlotBottom: num(f.bottom),
		AxisX: num(chartLeft - 6), LabelY: num(chartHeight - 8),
	}
	for i := 0; i <= 2; i++ {
		v := top * float64(i) / 2
		l := strconv.FormatFloat(v, 'f', -1, 64)
		if percent {
			l = strconv.FormatFloat(v*100, 'f', 0, 64) + " %"
		}
		c.Grid = append(c.Grid, tick{Y: num(f.y(v)), Label: l})
	}
	step := max(1, (len(days)+chartXLabels-1)/chartXLabels)
	for i := 0; i < len(days); i += step {
		c.XLabels = append(c.XLabels, tick{X: num(f.center(i)), Label: days[i].Day.Format("02/01")})
	}
	return c, f
}

// slot is the width a day takes; center, its middle.
func (f frame) slot() float64            { return f.plotW / float64(f.n) }
func (f frame) center(i int) float64     { return chartLeft + (float64(i)+0.5)*f.slot() }
func (f frame) y(v float64) float64      { return f.bottom - f.plotH*v/f.top }
func (f frame) barWidth() float64        { return max(1, f.slot()*0.75) }
func (f frame) barX(i int) float64       { return f.center(i) - f.barWidth()/2 }
func (f frame) height(v float64) float64 { return f.plotH * v / f.top }

// niceTop rounds a count up to 2, 4 or 10 times a power of ten (at least
// 2), so that the grid's three lines (0, half, top) read as whole numbers.
func niceTop(v float64) float64 {
	p := 1.0
	for {
		for _, m := range []float64{2, 4, 10} {
			if v <= m*p {
				return m * p
			}
		}
		p *= 10
	}
}

// dayLabel is a day as the charts' titles say it.
func dayLabel(d time.Time) string { return d.Format("02/01/2006") }

// choicesChart stacks, for each day, the receipts by action.
func choicesChart(days []dayRow) *chart {
	var most int64
	for _, d := range days {
		most = max(most, d.Choices)
	}
	c, f := newChart("Choix reçus par jour et par action", days, niceTop(float64(most)), false)
	for ai, a := range Actions {
		c.Legend = append(c.Legend, legendItem{"a" + strconv.Itoa(ai), actionLabels[a]})
	}
	for i, d := range days {
		var below int64
		for ai, a := range Actions {
			n := d.ByAction[ai]
			if n == 0 {
				continue
			}
			c.Bars = append(c.Bars, bar{
				X: num(f.barX(i)), Y: num(f.y(float64(below + n))), W: num(f.barWidth()), H: num(f.height(float64(n))),
				Class: "a" + strconv.Itoa(ai), Title: dayLabel(d.Day) + " · " + actionLabels[a] + " : " + strconv.FormatInt(n, 10),
			})
			below += n
		}
	}
	return c
}

// withdrawalsChart draws, for each day, the withdrawals.
func withdrawalsChart(days []dayRow) *chart {
	var most int64
	for _, d := range days {
		most = max(most, d.Withdrawals())
	}
	c, f := newChart("Retraits de consentement par jour", days, niceTop(float64(most)), false)
	for i, d := range days {
		if n := d.Withdrawals(); n > 0 {
			c.Bars = append(c.Bars, bar{
				X: num(f.barX(i)), Y: num(f.y(float64(n))), W: num(f.barWidth()), H: num(f.height(float64(n))),
				Class: "w", Title: dayLabel(d.Day) + " · retraits : " + strconv.FormatInt(n, 10),
			})
		}
	}
	return c
}

// sharesChart draws, for each category, the share of each day's receipts
// that allow it: a dot per day with receipts, joined across consecutive
// days.
func sharesChart(days []dayRow, cats []category) *chart {
	c, f := newChart("Part des choix autorisant chaque catégorie, par jour", days, 1, true)
	for ci, cat := range cats {
		class := "k" + strconv.Itoa(ci%chartColours)
		c.Legend = append(c.Legend, legendItem{class, cat.Title})
		points := ""
		for i, d := range days {
			s := d.Allowing[ci]
			if s.Of == 0 {
				if points != "" {
					c.Lines = append(c.Lines, polyline{class, points})
				}
				points = ""
				continue
			}
			x, y := num(f.center(i)), num(f.y(s.ratio()))
			if points != "" {
				points += " "
			}
			points += x + "," + y
			c.Dots = append(c.Dots, dot{X: x, Y: y, Class: class,
				Title: dayLabel(d.Day) + " · " + cat.Title + " : " + s.Percent() + " (" + strconv.FormatInt(s.Count, 10) + " sur " + strconv.FormatInt(s.Of, 10) + ")"})
		}
		if points != "" {
			c.Lines = append(c.Lines, polyline{class, points})
		}
	}
	return c
}
