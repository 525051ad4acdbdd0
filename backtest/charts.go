package backtest

import (
	"bufio"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
)

// Chart geometry, in SVG user units.
const (
	chartWidth, chartHeight = 640, 400
	chartLeft, chartRight   = 70, 20
	chartTop, chartBottom   = 50, 60
)

// LiftChart writes the lift chart of the report as an SVG image: the leads split into ten
// groups by their points, best first, and the share of each that converted — with the new
// points on leads they had not seen (HeldOut) beside the points before (Before), and the
// average as a dashed line. A steep fall from left to right is a points table that finds the
// buyers.
func (r CalibrationReport) LiftChart(w io.Writer) error {
	if len(r.HeldOut) == 0 || r.Cases == 0 {
		return errors.New("backtest: the report has no held-out groups to chart")
	}
	base := float64(r.Converted) / float64(r.Cases)
	top := base
	for _, gs := range [][]Group{r.HeldOut, r.Before} {
		for _, g := range gs {
			top = max(top, groupRate(g))
		}
	}
	top = niceCeil(top)
	c := newChart(w, "Who converts, by tenth of the leads ranked by points")
	c.yAxis(top, "converted")
	n := len(r.HeldOut)
	slot := c.plotW() / float64(n)
	bar := slot * 0.38
	for k := range n {
		x0 := c.left() + float64(k)*slot + slot*0.1
		if k < len(r.Before) {
			c.bar(x0, bar, groupRate(r.Before[k])/top, "#b0b0b0")
		}
		c.bar(x0+bar+slot*0.04, bar, groupRate(r.HeldOut[k])/top, "#2b6cb0")
		c.text(x0+bar+slot*0.02, c.bottom()+18, "middle", 12, fmt.Sprint(k+1))
	}
	c.text(c.left()+c.plotW()/2, c.bottom()+40, "middle", 12, "tenth of the leads, highest points first")
	y := c.bottom() - base/top*c.plotH()
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#c53030" stroke-dasharray="6 4"/>`+"\n",
		f1(c.left()), f1(y), f1(c.left()+c.plotW()), f1(y))
	c.text(c.left()+c.plotW()-4, y-6, "end", 12, "average "+pct(base))
	c.legend(c.left()+c.plotW()-290, []string{"#b0b0b0", "#2b6cb0"}, []string{"points before", "new points, on leads they had not seen"})
	return c.close()
}

// CalibrationChart writes the calibration chart of the report as an SVG image: for each
// tenth of the leads ranked by their held-out points, the conversion rate the points
// promised against the rate observed. Points on the diagonal keep their promise.
func (r CalibrationReport) CalibrationChart(w io.Writer) error {
	if len(r.HeldOut) == 0 {
		return errors.New("backtest: the report has no held-out groups to chart")
	}
	top := 0.0
	for _, g := range r.HeldOut {
		top = max(top, groupRate(g), g.Predicted)
	}
	top = niceCeil(top)
	c := newChart(w, "Promised and observed conversion, on leads the points had not seen")
	c.yAxis(top, "observed")
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		x := c.left() + v/top*c.plotW()
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#999"/>`+"\n", f1(x), f1(c.bottom()), f1(x), f1(c.bottom()+5))
		c.text(x, c.bottom()+18, "middle", 12, pct0(v))
	}
	c.text(c.left()+c.plotW()/2, c.bottom()+40, "middle", 12, "promised by the points")
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#999" stroke-dasharray="4 4"/>`+"\n",
		f1(c.left()), f1(c.bottom()), f1(c.left()+c.plotW()), f1(c.top()))
	for _, g := range r.HeldOut {
		if g.Leads == 0 || math.IsNaN(g.Predicted) {
			continue
		}
		x := c.left() + g.Predicted/top*c.plotW()
		y := c.bottom() - groupRate(g)/top*c.plotH()
		c.printf(`<circle cx="%s" cy="%s" r="5" fill="#2b6cb0"><title>%d leads: promised %s, observed %s</title></circle>`+"\n",
			f1(x), f1(y), g.Leads, pct(g.Predicted), pct(groupRate(g)))
	}
	c.legend(c.left()+10, []string{"#2b6cb0"}, []string{"a tenth of the leads"})
	return c.close()
}

func groupRate(g Group) float64 {
	if g.Leads == 0 {
		return 0
	}
	return float64(g.Converted) / float64(g.Leads)
}

// niceCeil rounds a rate up to the next multiple of 10% (5% below 20%), at most 100%.
func niceCeil(v float64) float64 {
	step := 0.1
	if v < 0.2 {
		step = 0.05
	}
	return min(1, math.Max(step, math.Ceil(v/step-1e-9)*step))
}

// chart writes one SVG image; the first write error sticks.
type chart struct {
	w   *bufio.Writer
	err error
}

func newChart(w io.Writer, title string) *chart {
	c := &chart{w: bufio.NewWriter(w)}
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight)
	c.printf(`<rect width="%d" height="%d" fill="white"/>`+"\n", chartWidth, chartHeight)
	c.text(chartWidth/2, 24, "middle", 15, title)
	return c
}

func (c *chart) left() float64   { return chartLeft }
func (c *chart) top() float64    { return chartTop }
func (c *chart) bottom() float64 { return chartHeight - chartBottom }
func (c *chart) plotW() float64  { return chartWidth - chartLeft - chartRight }
func (c *chart) plotH() float64  { return chartHeight - chartTop - chartBottom }

func (c *chart) printf(format string, args ...any) {
	if c.err == nil {
		_, c.err = fmt.Fprintf(c.w, format, args...)
	}
}

func (c *chart) text(x, y float64, anchor string, size int, s string) {
	c.printf(`<text x="%s" y="%s" text-anchor="%s" font-size="%d">%s</text>`+"\n", f1(x), f1(y), anchor, size, html.EscapeString(s))
}

// yAxis draws the vertical axis from 0 to top (a rate) with grid lines.
func (c *chart) yAxis(top float64, label string) {
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		y := c.bottom() - float64(k)/4*c.plotH()
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e2e2e2"/>`+"\n", f1(c.left()), f1(y), f1(c.left()+c.plotW()), f1(y))
		c.text(c.left()-8, y+4, "end", 12, pct0(v))
	}
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#555"/>`+"\n", f1(c.left()), f1(c.bottom()), f1(c.left()+c.plotW()), f1(c.bottom()))
	c.printf(`<text x="18" y="%s" text-anchor="middle" font-size="12" transform="rotate(-90 18 %s)">%s</text>`+"\n",
		f1(c.top()+c.plotH()/2), f1(c.top()+c.plotH()/2), html.EscapeString(label))
}

// bar draws a bar of the given width whose height is frac of the plot.
func (c *chart) bar(x, width, frac float64, fill string) {
	h := max(0, frac) * c.plotH()
	c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", f1(x), f1(c.bottom()-h), f1(width), f1(h), fill)
}

func (c *chart) legend(x float64, colors, labels []string) {
	for k, l := range labels {
		y := c.top() + 8 + float64(k)*18
		c.printf(`<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`+"\n", f1(x), f1(y-10), colors[k])
		c.text(x+18, y, "start", 12, l)
	}
}

func (c *chart) close() error {
	c.printf("</svg>\n")
	if c.err != nil {
		return c.err
	}
	return c.w.Flush()
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// pct0 formats a rate as a whole percentage.
func pct0(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
