// connleak: an HTTP client over loopback that never closes response bodies, so every request
// strands a connection (a persistConn readLoop/writeLoop pair). It leaks for a while, then records
// an execution trace while the leak goes on. Usage: connleak OUT.trace
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/trace"
	"strings"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	body := strings.Repeat("x", 64<<10)
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body) // larger than the socket buffers: the unread rest keeps the conn busy
	}))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	url := "http://" + ln.Addr().String() + "/"
	get := func() {
		resp, err := client.Get(url)
		if err != nil {
			panic(err)
		}
		_ = resp // the leak: the body is never read nor closed
	}
	for i := 0; i < 20; i++ {
		get()
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	for i := 0; i < 10; i++ {
		get()
		time.Sleep(150 * time.Millisecond)
	}
	time.Sleep(800 * time.Millisecond)
	trace.Stop()
	f.Close()
}
