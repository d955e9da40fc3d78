package obs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Check is one readiness condition, reported by name on /readyz.
type Check struct {
	// Name identifies the check in the /readyz answer.
	Name string
	// Fn returns nil when the condition holds. It must honour ctx.
	Fn func(ctx context.Context) error
}

// ReadyFunc adapts a boolean condition (such as pipeline.Runner.Ready) to a
// Check.
func ReadyFunc(name string, ready func() bool) Check {
	return Check{Name: name, Fn: func(context.Context) error {
		if !ready() {
			return errors.New("not ready")
		}
		return nil
	}}
}

// Admin is the admin HTTP server: /metrics (Prometheus), /healthz (200 while
// the process serves), /readyz (200 when every check passes, else 503 with
// the failing checks as JSON) and /loglevel (GET/PUT of the log level, as
// zap.AtomicLevel serves it).
type Admin struct {
	srv    *http.Server
	checks []Check
	// CheckTimeout bounds each /readyz evaluation (default 2 s).
	CheckTimeout time.Duration
}

// AdminServer builds the admin server on addr (for example ":9090"). m and
// level may be nil, in which case /metrics and /loglevel answer 404.
func AdminServer(addr string, m *Metrics, level *zap.AtomicLevel, readyChecks ...Check) *Admin {
	a := &Admin{checks: readyChecks, CheckTimeout: 2 * time.Second}
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	}
	if level != nil {
		mux.Handle("/loglevel", level)
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("/readyz", a.serveReady)
	// Go's profiler, for operators chasing CPU or memory: the admin port
	// listens on loopback by default.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	a.srv = &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return a
}

// Handler returns the server's handler (for tests and embedding).
func (a *Admin) Handler() http.Handler { return a.srv.Handler }

// readyAnswer is the JSON body of /readyz.
type readyAnswer struct {
	Status string            `json:"status"`
	Failed map[string]string `json:"failed,omitempty"`
}

// serveReady runs every check concurrently and answers 200 or 503.
func (a *Admin) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), a.CheckTimeout)
	defer cancel()
	var mu sync.Mutex
	failed := map[string]string{}
	var wg sync.WaitGroup
	for _, c := range a.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Fn(ctx); err != nil {
				mu.Lock()
				failed[c.Name] = err.Error()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	ans := readyAnswer{Status: "ready"}
	code := http.StatusOK
	if len(failed) > 0 {
		ans = readyAnswer{Status: "not ready", Failed: failed}
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(ans)
}

// FailedChecks returns the sorted names in a /readyz answer body (helper for
// tests and tools).
func FailedChecks(body []byte) ([]string, error) {
	var ans readyAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("decode readyz answer: %w", err)
	}
	names := make([]string, 0, len(ans.Failed))
	for n := range ans.Failed {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// ListenAndServe listens on the configured address and serves until
// Shutdown; it returns nil after a graceful shutdown.
func (a *Admin) ListenAndServe() error {
	ln, err := net.Listen("tcp", a.srv.Addr)
	if err != nil {
		return fmt.Errorf("admin server listen %s: %w", a.srv.Addr, err)
	}
	return a.Serve(ln)
}

// Serve serves on ln until Shutdown; it returns nil after a graceful
// shutdown.
func (a *Admin) Serve(ln net.Listener) error {
	if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin server: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for active requests until
// ctx ends.
func (a *Admin) Shutdown(ctx context.Context) error {
	if err := a.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("admin server shutdown: %w", err)
	}
	return nil
}

// SignalContext returns a context cancelled on SIGINT or SIGTERM, and the
// function releasing the signal handler. A second signal kills the process
// the default way.
func SignalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
