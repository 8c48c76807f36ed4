// td-trace-mmu-oracle: Go's own minimum mutator utilization for one execution trace, as JSON, for the
// TraceDeck MMU tests. It reads the trace with Go's internal/trace (so it builds only inside
// GOROOT/src/cmd; see build.sh), computes MutatorUtilizationV2 for each flag set asked and, from
// NewMMUCurve, the MMU at exactly the window sizes Go's /mmu page plots (the same xMin search, log
// spacing and 100 samples as internal/trace/traceviewer's HandlePlot) plus the ten worst windows
// (MMUCurve.Examples, as the page's details list) for a few window sizes.
//
// Usage: td-trace-mmu-oracle [-series] TRACE FLAGS...   (FLAGS like "stw|background|assist|sweep|perProc";
// -series also prints every utilization series point by point)
package main

import (
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

var flagNames = map[string]trace.UtilFlags{
	"perProc":    trace.UtilPerProc,
	"stw":        trace.UtilSTW,
	"background": trace.UtilBackground,
	"assist":     trace.UtilAssist,
	"sweep":      trace.UtilSweep,
}

type seriesSummary struct {
	Points    int     `json:"points"`
	First     int64   `json:"first"`
	Last      int64   `json:"last"`
	Integral  float64 `json:"integral"` // sum of util * duration over the series (ns)
	Zeros     int     `json:"zeros"`    // points whose util is 0
	MinUtil   float64 `json:"minUtil"`
	FirstUtil float64 `json:"firstUtil"`
}

type window struct {
	Time int64   `json:"time"`
	Util float64 `json:"util"`
}

type worst struct {
	Window  int64    `json:"window"`
	Windows []window `json:"windows"`
}

type result struct {
	Flags  string          `json:"flags"`
	Series []seriesSummary `json:"series"`
	XMin   int64           `json:"xMin"`
	XMax   int64           `json:"xMax"`
	Curve  [][2]float64    `json:"curve"`
	Worst  []worst         `json:"worst"`
	// Util is every series itself as [time, util] pairs (with -series).
	Util [][][2]float64 `json:"util,omitempty"`
}

type output struct {
	FirstEventNs int64    `json:"firstEventNs"`
	LastEventNs  int64    `json:"lastEventNs"`
	Events       int      `json:"events"`
	Results      []result `json:"results"`
}

func main() {
	args := os.Args[1:]
	withSeries := len(args) > 0 && args[0] == "-series"
	if withSeries {
		args = args[1:]
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: td-trace-mmu-oracle TRACE FLAGS...")
		os.Exit(2)
	}
	f, err := os.Open(args[0])
	if err != nil {
		fail(err)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		fail(err)
	}
	var events []trace.Event
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		events = append(events, ev)
	}
	out := output{Events: len(events)}
	if len(events) > 0 {
		out.FirstEventNs = int64(events[0].Time())
		out.LastEventNs = int64(events[len(events)-1].Time())
	}
	for _, spec := range args[1:] {
		var flags trace.UtilFlags
		for name := range strings.SplitSeq(spec, "|") {
			flag, ok := flagNames[name]
			if !ok {
				fail(fmt.Errorf("unknown flag %q", name))
			}
			flags |= flag
		}
		out.Results = append(out.Results, compute(events, flags, spec, withSeries))
	}
	enc := json.NewEncoder(os.Stdout)
	// Compact: the series can be long.
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func compute(events []trace.Event, flags trace.UtilFlags, spec string, withSeries bool) result {
	util := trace.MutatorUtilizationV2(events, flags)
	res := result{Flags: spec, Curve: [][2]float64{}, Worst: []worst{}, Series: []seriesSummary{}}
	for _, s := range util {
		sum := seriesSummary{Points: len(s), First: s[0].Time, Last: s[len(s)-1].Time, MinUtil: 1, FirstUtil: s[0].Util}
		for i, u := range s {
			if i > 0 {
				sum.Integral += s[i-1].Util * float64(u.Time-s[i-1].Time)
			}
			if u.Util == 0 {
				sum.Zeros++
			}
			sum.MinUtil = math.Min(sum.MinUtil, u.Util)
		}
		res.Series = append(res.Series, sum)
		if withSeries {
			points := make([][2]float64, len(s))
			for i, u := range s {
				points[i] = [2]float64{float64(u.Time), u.Util}
			}
			res.Util = append(res.Util, points)
		}
	}
	if len(util) == 0 {
		return res
	}
	curve := trace.NewMMUCurve(util)

	// The /mmu page's window sizes (traceviewer mmu.HandlePlot), computed the same way.
	xMin := time.Second
	for xMin > 1 {
		if curve.MMU(xMin) < 0.0001 {
			break
		}
		xMin /= 1000
	}
	xMax := xMin * 1e6
	minEvent, maxEvent := util[0][0].Time, util[0][len(util[0])-1].Time
	for _, s := range util[1:] {
		minEvent = min(minEvent, s[0].Time)
		maxEvent = max(maxEvent, s[len(s)-1].Time)
	}
	if maxMax := time.Duration(maxEvent - minEvent); xMax > maxMax {
		xMax = maxMax
	}
	res.XMin, res.XMax = int64(xMin), int64(xMax)
	logMin, logMax := math.Log(float64(xMin)), math.Log(float64(xMax))
	const samples = 100
	for i := 0; i < samples; i++ {
		w := time.Duration(math.Exp(float64(i)/(samples-1)*(logMax-logMin) + logMin))
		res.Curve = append(res.Curve, [2]float64{float64(w), curve.MMU(w)})
	}

	// Worst windows (the page's details list: Examples(window, 10)) for fixed sizes and a plotted one.
	for _, w := range []time.Duration{time.Millisecond, 10 * time.Millisecond, time.Duration(res.Curve[50][0])} {
		wr := worst{Window: int64(w), Windows: []window{}}
		for _, ex := range curve.Examples(w, 10) {
			wr.Windows = append(wr.Windows, window{ex.Time, ex.MutatorUtil})
		}
		res.Worst = append(res.Worst, wr)
	}
	return res
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "td-trace-mmu-oracle:", err)
	os.Exit(1)
}
