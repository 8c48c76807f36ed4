// dumpgen makes real goroutine dumps for TraceDeck's parser tests. Standard library only.
//
//	dumpgen panic           main panics while workers wait (run with GOTRACEBACK=all|system)
//	dumpgen panic-one       a one-goroutine panic (default GOTRACEBACK)
//	dumpgen panic-worker    a worker goroutine panics (GOTRACEBACK=all)
//	dumpgen fatal           concurrent map writes: "fatal error:" (runtime throw)
//	dumpgen wait            start workers, print "ready", block until SIGQUIT
//	dumpgen pprof DIR       serve net/http/pprof on loopback, save goroutine debug=0/1/2 to DIR
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	never   = make(chan int)
	started sync.WaitGroup
)

// startWorkers leaves goroutines in a spread of states: chan receive, select, sleep, mutex,
// IO wait and labelled ones (pprof.Do), so dumps show each header shape.
func startWorkers() {
	mu.Lock() // held for ever: lockers wait in sync.Mutex.Lock
	for i := 0; i < 3; i++ {
		started.Add(1)
		go func() { started.Done(); <-never }()
	}
	for i := 0; i < 2; i++ {
		started.Add(1)
		go func() {
			started.Done()
			select {
			case <-never:
			case <-time.After(time.Hour):
			}
		}()
	}
	started.Add(1)
	go func() { started.Done(); time.Sleep(time.Hour) }()
	for i := 0; i < 2; i++ {
		started.Add(1)
		go func() { started.Done(); mu.Lock() }()
	}
	for i, tenant := range []string{"acme", "big corp"} {
		started.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("job", "ingest", "tenant", tenant), func(context.Context) {
			started.Done()
			_ = i
			<-never
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	started.Add(1)
	go func() { started.Done(); c, _ := ln.Accept(); _ = c }()
	started.Wait()
	time.Sleep(100 * time.Millisecond) // let every worker reach its wait
}

type request struct{ id int }

func handle(r *request) int { return r.id * 2 }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dumpgen panic|panic-one|panic-worker|fatal|wait|pprof DIR")
		os.Exit(1)
	}
	switch os.Args[1] {
	case "panic-one":
		var r *request
		fmt.Println(handle(r))
	case "panic":
		startWorkers()
		var r *request
		fmt.Println(handle(r))
	case "panic-worker":
		startWorkers()
		done := make(chan bool)
		go func() {
			var r *request
			fmt.Println(handle(r))
			done <- true
		}()
		<-done
	case "fatal":
		startWorkers()
		m := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 1e7; j++ {
					m[j%100] = j
				}
			}()
		}
		wg.Wait()
	case "wait":
		startWorkers()
		fmt.Println("ready")
		select {}
	case "pprof":
		startWorkers()
		servePprof(os.Args[2])
	}
}

func servePprof(dir string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, nil)
	base := "http://" + ln.Addr().String() + "/debug/pprof/goroutine?debug="
	for _, d := range []struct{ q, name string }{{"0", "goroutine.pb.gz"}, {"1", "goroutine-debug1.txt"}, {"2", "goroutine-debug2.txt"}} {
		resp, err := http.Get(base + d.q)
		if err != nil {
			panic(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			panic(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d.name), b, 0o644); err != nil {
			panic(err)
		}
	}
}
