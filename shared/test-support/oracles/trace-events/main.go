// td-trace-events-oracle prints, as JSON, a compact digest of what Go's own internal/trace reader
// says about a trace's timeline fields: for every goroutine state transition its time, goroutine,
// old/new state, P (Event.Proc()), thread (Event.Thread()) and executing goroutine
// (Event.Goroutine()); for every P transition its thread; and every event Go's
// MutatorUtilizationV2 reads besides goroutine transitions (syncs, GOMAXPROCS, GC STW / sweep /
// mark-assist ranges, "GC ..." labels, the last event). TraceDeck's model must give the same digest
// (shared/ingest/gotrace/timeline-fields.test.ts). Build with ./build.sh; run via ./make.sh.
//
// Times are nanoseconds relative to the trace's first event. Hashes are FNV-1a over 32-bit words
// (h = (h ^ w) * 16777619), int64 values as (low, high) words, so a test can recompute them.
package main

import (
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"os"
	"strconv"
	"strings"
)

// Kinds of the GC event log (shared/model/trace.ts GC_EV_*).
const (
	evSTWBegin    = 1
	evSTWEnd      = 2
	evSweepBegin  = 3
	evSweepEnd    = 4
	evSweepActive = 5
	evAssistBegin = 6
	evAssistEnd   = 7
	evAssistActv  = 8
	evLabel       = 9
	evGomaxprocs  = 10
	evSync        = 11
	evLast        = 12
)

const noProc = 0xffff
const rowsKept = 20

type hash uint32

func newHash() hash { return 2166136261 }
func (h *hash) word(v int64) {
	*h = (*h ^ hash(uint32(v))) * 16777619
}
func (h *hash) int64(v int64) {
	h.word(v & 0xffffffff)
	h.word(v >> 32)
}

type rows struct {
	First [][]int64 `json:"first"`
	Last  [][]int64 `json:"last"`
}

func (r *rows) add(row []int64) {
	if len(r.First) < rowsKept {
		r.First = append(r.First, row)
	}
	r.Last = append(r.Last, row)
	if len(r.Last) > rowsKept {
		r.Last = r.Last[1:]
	}
}

type digest struct {
	Transitions struct {
		Count int            `json:"count"`
		PerP  map[string]int `json:"perP"`
		// Rows (t, g, from, to, p); hash over the same.
		Hash uint32 `json:"hash"`
		Rows rows   `json:"rows"`
	} `json:"transitions"`
	Wakers struct {
		Count    int            `json:"count"`
		PerWaker map[string]int `json:"perWaker"`
		// (transition index, waker goroutine id or -1)
		Hash uint32 `json:"hash"`
	} `json:"wakers"`
	Syscalls struct {
		Entries        int            `json:"entries"`
		Exits          int            `json:"exits"`
		EntryPerThread map[string]int `json:"entryPerThread"`
		ExitPerThread  map[string]int `json:"exitPerThread"`
		// (transition index, p, thread) of entries then (transition index, thread) of exits
		EntryHash uint32 `json:"entryHash"`
		ExitHash  uint32 `json:"exitHash"`
	} `json:"syscalls"`
	Procs struct {
		Count     int            `json:"count"`
		PerThread map[string]int `json:"perThread"`
		// (t, p, from, to, thread)
		Hash uint32 `json:"hash"`
	} `json:"procs"`
	GC struct {
		Count   int            `json:"count"`
		PerKind map[string]int `json:"perKind"`
		// (t, kind, p, g, value, seq)
		Hash uint32 `json:"hash"`
		Rows rows   `json:"rows"`
	} `json:"gc"`
}

// proc is Event.Proc() as the model stores it: pseudo-Ps of old traces (≥ 1000000) and NoProc are -1.
func proc(p trace.ProcID) int64 {
	if p == trace.NoProc || p >= 1000000 {
		return -1
	}
	return int64(p)
}

func gid(g trace.GoID) int64 {
	if g == trace.NoGoroutine {
		return -1
	}
	return int64(g)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: td-trace-events-oracle TRACE")
		os.Exit(2)
	}
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
	var d digest
	d.Transitions.PerP = map[string]int{}
	d.Wakers.PerWaker = map[string]int{}
	d.Syscalls.EntryPerThread = map[string]int{}
	d.Syscalls.ExitPerThread = map[string]int{}
	d.Procs.PerThread = map[string]int{}
	d.GC.PerKind = map[string]int{}
	th, wh, seh, sxh, ph, gh := newHash(), newHash(), newHash(), newHash(), newHash(), newHash()

	var first, last int64
	seen := false
	nTrans := int64(0)
	gcRow := func(t int64, kind int64, p int64, g int64, value int64) {
		d.GC.Count++
		d.GC.PerKind[strconv.FormatInt(kind, 10)]++
		row := []int64{t, kind, p, g, value, nTrans}
		for _, v := range row {
			gh.int64(v)
		}
		d.GC.Rows.add(row)
	}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if !seen {
			first = int64(ev.Time())
			seen = true
		}
		t := int64(ev.Time()) - first
		last = t
		switch ev.Kind() {
		case trace.EventStateTransition:
			st := ev.StateTransition()
			switch st.Resource.Kind {
			case trace.ResourceGoroutine:
				from, to := st.Goroutine()
				g := int64(st.Resource.Goroutine())
				p := proc(ev.Proc())
				if p < 0 || p >= noProc {
					p = noProc
				}
				row := []int64{t, g, int64(from), int64(to), p}
				for _, v := range row {
					th.int64(v)
				}
				d.Transitions.Rows.add(row)
				d.Transitions.PerP[strconv.FormatInt(p, 10)]++
				idx := nTrans
				if to == trace.GoRunnable && (from == trace.GoWaiting || from == trace.GoNotExist || from == trace.GoUndetermined) {
					by := gid(ev.Goroutine())
					d.Wakers.Count++
					d.Wakers.PerWaker[strconv.FormatInt(by, 10)]++
					wh.int64(idx)
					wh.int64(by)
				}
				m := int64(ev.Thread())
				if to == trace.GoSyscall && from != trace.GoSyscall {
					d.Syscalls.Entries++
					d.Syscalls.EntryPerThread[strconv.FormatInt(m, 10)]++
					seh.int64(idx)
					seh.int64(proc(ev.Proc()))
					seh.int64(m)
				} else if from == trace.GoSyscall && to != trace.GoSyscall {
					d.Syscalls.Exits++
					d.Syscalls.ExitPerThread[strconv.FormatInt(m, 10)]++
					sxh.int64(idx)
					sxh.int64(m)
				}
				nTrans++
				d.Transitions.Count++
			case trace.ResourceProc:
				from, to := st.Proc()
				m := int64(ev.Thread())
				d.Procs.Count++
				d.Procs.PerThread[strconv.FormatInt(m, 10)]++
				for _, v := range []int64{t, int64(st.Resource.Proc()), int64(from), int64(to), m} {
					ph.int64(v)
				}
			}
		case trace.EventSync:
			gcRow(t, evSync, -1, -1, int64(ev.Sync().N))
		case trace.EventMetric:
			if m := ev.Metric(); m.Name == "/sched/gomaxprocs:threads" {
				gcRow(t, evGomaxprocs, -1, -1, int64(m.Value.Uint64()))
			}
		case trace.EventRangeBegin, trace.EventRangeEnd, trace.EventRangeActive:
			rg := ev.Range()
			k := ev.Kind()
			var kind, value int64
			switch {
			case rg.Name == "GC incremental sweep":
				kind = map[trace.EventKind]int64{trace.EventRangeBegin: evSweepBegin, trace.EventRangeEnd: evSweepEnd, trace.EventRangeActive: evSweepActive}[k]
				value = -1
				if rg.Scope.Kind == trace.ResourceProc {
					value = int64(rg.Scope.Proc())
				}
			case rg.Name == "GC mark assist":
				kind = map[trace.EventKind]int64{trace.EventRangeBegin: evAssistBegin, trace.EventRangeEnd: evAssistEnd, trace.EventRangeActive: evAssistActv}[k]
				value = -1
				if rg.Scope.Kind == trace.ResourceGoroutine {
					value = gid(rg.Scope.Goroutine())
				}
			case strings.HasPrefix(rg.Name, "stop-the-world") && k != trace.EventRangeActive:
				kind = evSTWBegin
				if k == trace.EventRangeEnd {
					kind = evSTWEnd
				}
				if strings.Contains(rg.Name, "GC") {
					value = 1
				}
			default:
				continue
			}
			gcRow(t, kind, proc(ev.Proc()), gid(ev.Goroutine()), value)
		case trace.EventLabel:
			l := ev.Label().Label
			if strings.HasPrefix(l, "GC ") {
				v := int64(0)
				switch l {
				case "GC (dedicated)":
					v = 1
				case "GC (fractional)":
					v = 2
				case "GC (idle)":
					v = 3
				}
				gcRow(t, evLabel, proc(ev.Proc()), gid(ev.Goroutine()), v)
			}
		}
	}
	if seen {
		gcRow(last, evLast, -1, -1, 0)
	}
	d.Transitions.Hash = uint32(th)
	d.Wakers.Hash = uint32(wh)
	d.Syscalls.EntryHash = uint32(seh)
	d.Syscalls.ExitHash = uint32(sxh)
	d.Procs.Hash = uint32(ph)
	d.GC.Hash = uint32(gh)
	out, _ := json.Marshal(d)
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}
