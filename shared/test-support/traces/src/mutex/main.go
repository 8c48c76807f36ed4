// mutex: eight goroutines contend on one sync.Mutex around a short critical section, while an
// execution trace records ~0.5 s of it. Usage: mutex OUT.trace
package main

import (
	"crypto/sha256"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(500 * time.Millisecond)
	sum := sha256.Sum256(nil)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				mu.Lock()
				for i := 0; i < 50; i++ {
					sum = sha256.Sum256(sum[:])
				}
				mu.Unlock()
				time.Sleep(100 * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	trace.Stop()
	f.Close()
}
