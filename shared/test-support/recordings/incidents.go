// Command incidents runs small standard-library Go programs that reproduce (or avoid) common
// production incidents, for recording real ss captures, goroutine dumps and profiles with record.sh.
//
// Every scenario is two processes on loopback: the profiled process (-role p, which also serves
// net/http/pprof on -pprof) and its peer (-role q). Scenarios:
//
//	tw-transport-per-request  p: HTTP client that builds a new http.Transport for every request and
//	                          closes its idle connections afterwards; q: HTTP server.
//	cw-hijack                 p: HTTP server whose handler hijacks the connection, answers, and keeps the
//	                          net.Conn in a list without ever closing it; q: client that hangs up after each answer.
//	cw-plateau                the cw-hijack server; its peer opens 300 connections at once, hangs each up, and
//	                          then stays idle: CLOSE-WAIT high from the start of the capture, not growing.
//	leak-first-result         p: HTTP server that fans each request out to three backend goroutines over an
//	                          unbuffered channel and keeps only the first answer; q: keep-alive load.
//	lock-global-map           p: HTTP server that updates a global map under one sync.Mutex and calls a slow
//	                          "audit" (a sleep) while holding it; q: 32 concurrent keep-alive clients.
//	transport-leak            p: HTTP client that builds a new http.Client and http.Transport per request and
//	                          never closes their idle connections; q: HTTP server.
//	tw-server-close           p: HTTP server with keep-alives disabled (it closes every connection after the
//	                          response); q: keep-alive clients.
//	healthy                   p: HTTP server with a small JSON handler; q: one shared http.Client, 6 workers at a
//	                          steady rate, bodies drained and closed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

var (
	mode  = flag.String("mode", "", "scenario")
	role  = flag.String("role", "p", "p (profiled process) or q (peer)")
	port  = flag.Int("port", 0, "application port")
	pprof = flag.Int("pprof", 0, "net/http/pprof port of the profiled process")
)

func main() {
	flag.Parse()
	addr := "127.0.0.1:" + strconv.Itoa(*port)
	if *role == "p" {
		runtime.SetBlockProfileRate(1)
		runtime.SetMutexProfileFraction(1)
		go func() { log.Fatal(http.ListenAndServe("127.0.0.1:"+strconv.Itoa(*pprof), nil)) }()
	}
	switch *mode + "/" + *role {
	case "tw-transport-per-request/p":
		clientPerRequest(addr)
	case "transport-leak/p":
		transportPerRequest(addr)
	case "cw-plateau/p":
		serve(addr, "cw-hijack")
	case "cw-plateau/q":
		hangUpClientN(addr, 300)
		select {}
	case "tw-transport-per-request/q", "transport-leak/q", "cw-hijack/p", "leak-first-result/p", "lock-global-map/p", "healthy/p", "tw-server-close/p":
		serve(addr, *mode)
	case "tw-server-close/q":
		keepAliveLoad(addr, "/item", 4, 10*time.Millisecond)
	case "cw-hijack/q":
		hangUpClient(addr)
	case "leak-first-result/q":
		keepAliveLoad(addr, "/search", 8, 20*time.Millisecond)
	case "lock-global-map/q":
		keepAliveLoad(addr, "/session", 32, 0)
	case "healthy/q":
		keepAliveLoad(addr, "/item", 6, 50*time.Millisecond)
	default:
		log.Fatalf("unknown -mode %q / -role %q", *mode, *role)
	}
}

// ---- servers ---------------------------------------------------------------------------------

func serve(addr, mode string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/item", itemHandler)
	switch mode {
	case "cw-hijack":
		mux.HandleFunc("/stream", hijackHandler)
	case "leak-first-result":
		mux.HandleFunc("/search", searchHandler)
	case "lock-global-map":
		mux.HandleFunc("/session", sessionHandler)
	}
	srv := &http.Server{Addr: addr, Handler: mux}
	if mode == "tw-server-close" {
		srv.SetKeepAlivesEnabled(false)
	}
	log.Fatal(srv.ListenAndServe())
}

type item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Price float64  `json:"price"`
}

func itemHandler(w http.ResponseWriter, r *http.Request) {
	id := rand.Intn(1000)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(item{ID: id, Name: fmt.Sprintf("item-%d", id), Tags: []string{"a", "b"}, Price: float64(id) / 7})
}

// openStreams keeps hijacked connections "for later pushes" — and never closes or removes them.
var (
	streamsMu   sync.Mutex
	openStreams []net.Conn
)

func hijackHandler(w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijack", 500)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
	buf.Flush()
	streamsMu.Lock()
	openStreams = append(openStreams, conn)
	streamsMu.Unlock()
}

type answer struct {
	backend int
	hits    int
}

// searchHandler asks three backends and answers with the first reply. The other two goroutines
// block forever on the unbuffered send: nobody receives from results any more.
func searchHandler(w http.ResponseWriter, r *http.Request) {
	results := make(chan answer)
	for b := 0; b < 3; b++ {
		go queryBackend(b, results)
	}
	a := <-results
	fmt.Fprintf(w, "backend %d: %d hits\n", a.backend, a.hits)
}

func queryBackend(b int, out chan answer) {
	time.Sleep(time.Duration(1+rand.Intn(3)) * time.Millisecond)
	out <- answer{backend: b, hits: rand.Intn(100)}
}

type session struct {
	User     string
	Hits     int
	LastSeen time.Time
}

var (
	sessionsMu sync.Mutex
	sessions   = map[string]*session{}
)

// sessionHandler updates the global session map and audits the change while still holding the lock.
func sessionHandler(w http.ResponseWriter, r *http.Request) {
	user := "u" + strconv.Itoa(rand.Intn(500))
	sessionsMu.Lock()
	s := sessions[user]
	if s == nil {
		s = &session{User: user}
		sessions[user] = s
	}
	s.Hits++
	s.LastSeen = time.Now()
	auditChange(s)
	n := s.Hits
	sessionsMu.Unlock()
	fmt.Fprintf(w, "%s %d\n", user, n)
}

func auditChange(s *session) {
	b, _ := json.Marshal(s)
	_ = b
	time.Sleep(400 * time.Microsecond) // a synchronous write to an audit log
}

// ---- clients ---------------------------------------------------------------------------------

// clientPerRequest builds a fresh Transport (and so a fresh connection) for every request.
func clientPerRequest(addr string) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				fetchOnce("http://" + addr + "/item")
				time.Sleep(40 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
}

func fetchOnce(url string) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		log.Print(err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// transportPerRequest gives every request its own client and transport and drops them afterwards:
// the idle connection each one pooled stays open, with its read and write loops, for good.
func transportPerRequest(addr string) {
	for {
		c := &http.Client{Transport: &http.Transport{}}
		resp, err := c.Get("http://" + addr + "/item")
		if err != nil {
			log.Print(err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(100 * time.Millisecond)
	}
}

// hangUpClient sends one request per connection, reads the answer, and closes its end.
func hangUpClient(addr string) { hangUpClientN(addr, -1) }

// hangUpClientN does the same n times (forever when n < 0).
func hangUpClientN(addr string, n int) {
	for i := 0; n < 0 || i < n; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			log.Print(err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		fmt.Fprintf(conn, "GET /stream HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		conn.Close()
		if n < 0 {
			time.Sleep(30 * time.Millisecond)
		}
	}
}

// keepAliveLoad runs n workers on one shared client; each drains and closes every body.
func keepAliveLoad(addr, path string, n int, pause time.Duration) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				resp, err := c.Get("http://" + addr + path)
				if err != nil {
					log.Print(err)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if pause > 0 {
					time.Sleep(pause)
				}
			}
		}()
	}
	wg.Wait()
	os.Exit(0)
}
