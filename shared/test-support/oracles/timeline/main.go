// td-timeline-oracle prints, for an execution trace, what Go's own internal/trace says about the
// timeline's lanes, as a JSON digest:
//   - per P: the goroutine Running intervals whose start event ran on that P (ev.Proc() of the
//     transition into Running): their number, an FNV-1a hash of the list "g:start:end\n" in start
//     order, and the running ns of its top 20 goroutines;
//   - per goroutine: ns in each state and the number of real state changes.
// Transitions into the state a goroutine is already in (statuses every generation re-states) are
// skipped; a state first seen through a status (from GoUndetermined) holds from the trace's first
// event; an interval still open at the last event ends there. Times are ns relative to the first
// event. Build with ./build.sh; make.sh runs it on the fixtures.
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"internal/trace"
	"io"
	"os"
	"sort"
)

type interval struct {
	g          int64
	start, end int64
}

type gstate struct {
	state   trace.GoState
	since   int64
	known   bool
	proc    int64
	changes int
	ns      map[string]int64
}

var stateName = map[trace.GoState]string{
	trace.GoRunnable: "runnable",
	trace.GoRunning:  "running",
	trace.GoWaiting:  "waiting",
	trace.GoSyscall:  "syscall",
}

type procOut struct {
	P         int64      `json:"p"`
	Intervals int        `json:"intervals"`
	Hash      string     `json:"hash"`
	RunningNs int64      `json:"runningNs"`
	Top       [][2]int64 `json:"top"`
}

type gOut struct {
	ID      int64            `json:"id"`
	Changes int              `json:"changes"`
	Ns      map[string]int64 `json:"ns"`
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := trace.NewReader(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var first, last trace.Time
	seen := false
	gs := map[int64]*gstate{}
	perP := map[int64][]interval{}
	closeRun := func(id int64, g *gstate, at int64) {
		if g.known && g.state != trace.GoNotExist {
			if name, ok := stateName[g.state]; ok {
				g.ns[name] += at - g.since
			}
			if g.state == trace.GoRunning {
				perP[g.proc] = append(perP[g.proc], interval{id, g.since, at})
			}
		}
	}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			os.Exit(1)
		}
		if !seen {
			first, seen = ev.Time(), true
		}
		last = ev.Time()
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		from, to := st.Goroutine()
		if from == to {
			continue
		}
		id := int64(st.Resource.Goroutine())
		g := gs[id]
		if g == nil {
			g = &gstate{ns: map[string]int64{}}
			gs[id] = g
		}
		at := int64(ev.Time() - first)
		if from == trace.GoUndetermined {
			at = 0
		}
		closeRun(id, g, at)
		g.state, g.since, g.known = to, at, true
		g.changes++
		g.proc = -1
		if p := ev.Proc(); p != trace.NoProc {
			g.proc = int64(p)
		}
	}
	end := int64(last - first)
	for id, g := range gs {
		closeRun(id, g, end)
	}
	var procs []procOut
	for p, list := range perP {
		sort.Slice(list, func(i, j int) bool { return list[i].start < list[j].start || list[i].start == list[j].start && list[i].g < list[j].g })
		h := fnv.New32a()
		byG := map[int64]int64{}
		var total int64
		for _, iv := range list {
			fmt.Fprintf(h, "%d:%d:%d\n", iv.g, iv.start, iv.end)
			byG[iv.g] += iv.end - iv.start
			total += iv.end - iv.start
		}
		var top [][2]int64
		for g, ns := range byG {
			top = append(top, [2]int64{g, ns})
		}
		sort.Slice(top, func(i, j int) bool { return top[i][1] > top[j][1] || top[i][1] == top[j][1] && top[i][0] < top[j][0] })
		if len(top) > 20 {
			top = top[:20]
		}
		procs = append(procs, procOut{P: p, Intervals: len(list), Hash: fmt.Sprintf("%08x", h.Sum32()), RunningNs: total, Top: top})
	}
	sort.Slice(procs, func(i, j int) bool { return procs[i].P < procs[j].P })
	var gouts []gOut
	for id, g := range gs {
		gouts = append(gouts, gOut{ID: id, Changes: g.changes, Ns: g.ns})
	}
	sort.Slice(gouts, func(i, j int) bool { return gouts[i].ID < gouts[j].ID })
	json.NewEncoder(os.Stdout).Encode(map[string]any{"endNs": end, "procs": procs, "goroutines": gouts})
}
