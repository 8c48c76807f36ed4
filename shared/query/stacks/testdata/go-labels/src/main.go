// Command labels writes real profiles that carry pprof labels, for TraceDeck's label, peek and
// source-line tests: a CPU profile, a heap profile (numeric "bytes" labels), a goroutine profile and
// goroutine dumps (debug=1 and debug=2) of labelled goroutines. Standard library only.
//
//	go run . OUTDIR
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink uint64

// checksum burns CPU in a loop whose lines the profile attributes one by one.
func checksum(data []byte, rounds int) uint64 {
	var h uint64 = 14695981039346656037
	for r := 0; r < rounds; r++ {
		for _, b := range data {
			h ^= uint64(b)
			h *= 1099511628211
		}
	}
	return h
}

// parse and encode are the two phases each worker runs; encode costs about twice parse.
func parse(data []byte) uint64 { return checksum(data, 1) }

func encode(data []byte) uint64 {
	h := checksum(data, 1)
	h += checksum(data, 1)
	return h
}

// work runs both phases under a "phase" label, below the worker's own labels.
func work(ctx context.Context, data []byte, deadline time.Time) {
	for time.Now().Before(deadline) {
		pprof.Do(ctx, pprof.Labels("phase", "parse"), func(context.Context) { sink += parse(data) })
		pprof.Do(ctx, pprof.Labels("phase", "encode"), func(context.Context) { sink += encode(data) })
	}
}

var keep [][]byte

// allocate keeps blocks of one size, so the heap profile's "bytes" labels differ per caller.
func allocate(n, size int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, size))
	}
}

// waiter blocks on ch under its labels until the dumps are written.
func waiter(ctx context.Context, ch chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	pprof.Do(ctx, pprof.Labels("role", "waiter"), func(context.Context) { <-ch })
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: labels OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	create := func(name string) *os.File {
		f, err := os.Create(filepath.Join(out, name))
		must(err)
		return f
	}
	runtime.MemProfileRate = 1

	cpu := create("cpu.pb.gz")
	must(pprof.StartCPUProfile(cpu))
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = byte(i)
	}
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	for _, w := range []string{"alpha", "beta"} {
		wg.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("worker", w, "tenant", "t-"+w), func(ctx context.Context) {
			defer wg.Done()
			work(ctx, data, deadline)
		})
	}
	wg.Wait()
	pprof.StopCPUProfile()
	must(cpu.Close())

	allocate(200, 1024)
	allocate(50, 16<<10)
	allocate(10, 256<<10)

	ch := make(chan struct{})
	var waiters sync.WaitGroup
	for i, team := range []string{"ingest", "ingest", "ingest", "query", "query", "report \"q\""} {
		waiters.Add(1)
		go waiter(pprof.WithLabels(context.Background(), pprof.Labels("team", team, "shard", fmt.Sprint(i%2))), ch, &waiters)
	}
	waiters.Add(1)
	go waiter(context.Background(), ch, &waiters) // one without labels of its own (role only)
	time.Sleep(200 * time.Millisecond)

	for _, p := range []struct {
		name  string
		debug int
		file  string
	}{
		{"goroutine", 0, "goroutine.pb.gz"},
		{"goroutine", 1, "goroutine-debug1.txt"},
		{"goroutine", 2, "goroutine-debug2.txt"},
		{"heap", 0, "heap.pb.gz"},
	} {
		f := create(p.file)
		if p.name == "heap" {
			runtime.GC()
		}
		must(pprof.Lookup(p.name).WriteTo(f, p.debug))
		must(f.Close())
	}
	close(ch)
	waiters.Wait()
	runtime.KeepAlive(keep)
}
