// Command gen-big-trace writes a real Go execution trace of at least -size bytes (default 1.1 GiB),
// for the streamed-open benchmark (bench/big-trace-bench.ts). Standard library only. The program
// keeps goroutines busy the way a loaded server does: channel ping-pong, a contended mutex, sleeps,
// allocation (so the GC runs) and user tasks/regions, until the trace has grown past the size.
//
//	go run ./bench/gen-big-trace -o /tmp/big.trace -size 1181116006
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// countingWriter counts what the tracer has written, so the run stops at the wanted size.
type countingWriter struct {
	f *os.File
	n atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n.Add(int64(n))
	return n, err
}

func main() {
	out := flag.String("o", "big.trace", "output trace file")
	size := flag.Int64("size", 1181116006, "stop once the trace is at least this many bytes")
	flag.Parse()

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := &countingWriter{f: f}
	if err := trace.Start(w); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	spawn := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				fn()
			}
		}()
	}

	// Channel ping-pong pairs: GoBlock/GoUnblock/GoStart, the bulk of a busy server's trace.
	for i := 0; i < 16; i++ {
		ping, pong := make(chan int), make(chan int)
		spawn(func() { ping <- 1; <-pong })
		spawn(func() { <-ping; pong <- 1 })
	}
	// A contended mutex with a little work inside.
	var mu sync.Mutex
	shared := 0
	for i := 0; i < 8; i++ {
		spawn(func() {
			mu.Lock()
			for j := 0; j < 100; j++ {
				shared += j
			}
			mu.Unlock()
		})
	}
	// Sleepers and allocators (heap metrics, GC cycles), inside user tasks and regions.
	for i := 0; i < 4; i++ {
		spawn(func() {
			ctx, task := trace.NewTask(context.Background(), "batch")
			trace.WithRegion(ctx, "alloc", func() {
				buf := make([][]byte, 0, 64)
				for j := 0; j < 64; j++ {
					buf = append(buf, make([]byte, 4096))
				}
				_ = buf
			})
			trace.Log(ctx, "step", "done")
			task.End()
			time.Sleep(50 * time.Microsecond)
		})
	}

	for w.n.Load() < *size {
		time.Sleep(100 * time.Millisecond)
	}
	stop.Store(true)
	// Unblock any ping-pong goroutine parked on its partner; each checks stop after its round.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d bytes (%d)\n", *out, w.n.Load(), shared%2)
}
