package testpanic

import (
	"runtime"
	"testing"
	"time"
)

// TestLogsStacks logs every goroutine's stack (indented by the testing package), then a
// subtest panics: `go test -v` output then holds an indented dump and a real panic.
func TestLogsStacks(t *testing.T) {
	block := make(chan int)
	go func() { <-block }()
	time.Sleep(50 * time.Millisecond)
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, true)
	t.Logf("all goroutines:\n%s", buf[:n])
	t.Run("boom", func(t *testing.T) {
		var m map[string]int
		m["x"] = 1
	})
}
