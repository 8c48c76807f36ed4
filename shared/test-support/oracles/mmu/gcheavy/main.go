// gcheavy writes an execution trace that exercises every GC cost Go's MMU accounts for: it keeps the
// collector busy (GOGC 5, pointer-rich garbage from many goroutines, so mark assists are frequent),
// starts the trace while a cycle is most likely running (so Go reports sweeps, assists and marking
// "already active"), makes syscalls while allocating, forces stop-the-world collections, and changes
// GOMAXPROCS up and down mid-trace (per-P series end and restart).
//
// Usage: gcheavy OUT.trace
package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

type node struct {
	next  *node
	left  *node
	value [6]int64
}

var sink atomic.Pointer[node]

// churn builds short-lived linked structures until stop is closed; every 64th list is kept a while so
// the heap has live pointers to mark.
func churn(stop <-chan struct{}, devnull *os.File, id int) {
	var keep []*node
	buf := []byte("x")
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		var head *node
		for j := 0; j < 200; j++ {
			head = &node{next: head, left: head, value: [6]int64{int64(i), int64(j)}}
		}
		if i%64 == 0 {
			keep = append(keep, head)
			if len(keep) > 40 {
				keep = keep[1:]
			}
		}
		sink.Store(head)
		if id%2 == 0 && i%16 == 0 {
			devnull.Write(buf) // a syscall now and then, possibly mid-assist
		}
	}
}

func main() {
	debug.SetGCPercent(5)
	runtime.GOMAXPROCS(4)
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	out, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for id := 0; id < 6; id++ {
		wg.Add(1)
		go func() { defer wg.Done(); churn(stop, devnull, id) }()
	}
	// Let the collector get going, then start tracing at a moment a cycle is under way.
	time.Sleep(50 * time.Millisecond)
	var ms runtime.MemStats
	start := time.Now()
	for n := uint32(0); time.Since(start) < 200*time.Millisecond; {
		runtime.ReadMemStats(&ms) // a stop-the-world of its own; NumGC moves while cycles run
		if ms.NumGC != n && n != 0 {
			break
		}
		n = ms.NumGC
	}
	if err := trace.Start(out); err != nil {
		panic(err)
	}
	time.Sleep(25 * time.Millisecond)
	runtime.GOMAXPROCS(2)
	time.Sleep(15 * time.Millisecond)
	runtime.GC()
	runtime.GOMAXPROCS(3)
	time.Sleep(15 * time.Millisecond)
	runtime.GC()
	time.Sleep(5 * time.Millisecond)
	trace.Stop()
	close(stop)
	wg.Wait()
	if err := out.Close(); err != nil {
		panic(err)
	}
}
