//go:build integration

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/testenv"
)

// binDir holds the service binaries built once for the package.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// buildBinaries compiles cmd/ingest, cmd/enrich and cmd/index once.
func buildBinaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "wirestream-e2e-bin-")
		if buildErr != nil {
			return
		}
		root := testenv.RepoRoot(t)
		for _, name := range []string{"ingest", "enrich", "index"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, name), "./cmd/"+name)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("build %s: %v\n%s", name, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// freeAddr returns a free 127.0.0.1 TCP address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// uniqueName returns prefix plus a random suffix, for topics, groups and
// index names that no other test uses.
func uniqueName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// service is one running service process.
type service struct {
	t         *testing.T
	name      string
	bin       string
	args      []string
	adminAddr string
	logPath   string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

func newService(t *testing.T, name string, args ...string) *service {
	dir := buildBinaries(t)
	s := &service{
		t:         t,
		name:      name,
		bin:       filepath.Join(dir, name),
		adminAddr: freeAddr(t),
		logPath:   filepath.Join(t.TempDir(), name+".log"),
	}
	s.args = append([]string{"serve", "--admin-addr", s.adminAddr, "--log-level", "info"}, args...)
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			if data, err := os.ReadFile(s.logPath); err == nil {
				t.Logf("--- %s log (tail) ---\n%s", name, tail(data, 4000))
			}
		}
	})
	return s
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// start launches the process and waits until /readyz answers 200.
func (s *service) start() {
	s.t.Helper()
	s.mu.Lock()
	f, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		s.mu.Unlock()
		s.t.Fatal(err)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatalf("start %s: %v", s.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	s.waitReady(60 * time.Second)
}

// waitReady polls /readyz until it answers 200.
func (s *service) waitReady(timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			s.t.Fatalf("%s exited before becoming ready:\n%s", s.name, s.logTail())
		default:
		}
		resp, err := http.Get("http://" + s.adminAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s not ready after %s:\n%s", s.name, timeout, s.logTail())
}

func (s *service) logTail() string {
	data, _ := os.ReadFile(s.logPath)
	return tail(data, 3000)
}

// signal sends sig and waits for the process to exit.
func (s *service) signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		s.t.Errorf("%s did not stop within 30s of %v", s.name, sig)
	}
}

// stop ends the process gracefully (SIGTERM).
func (s *service) stop() { s.signal(syscall.SIGTERM) }

// kill ends the process at once (SIGKILL), as a crash would.
func (s *service) kill() { s.signal(syscall.SIGKILL) }

// postJSON posts body to url and decodes the JSON answer into out.
func postJSON(ctx context.Context, url, contentType string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", strings.TrimSpace(string(data)), err)
		}
	}
	return resp.StatusCode, nil
}

// esRequest sends a request to Elasticsearch and decodes the answer.
func esRequest(ctx context.Context, method, url string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", tail(data, 300), err)
		}
	}
	return resp.StatusCode, nil
}

// stackScript runs deploy/local/stack.sh with the given command, for the
// fault tests that stop and start Elasticsearch.
func stackScript(t *testing.T, command string) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(testenv.RepoRoot(t), "deploy", "local", "stack.sh"), command)
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("stack.sh %s: %v\n%s", command, err, out)
	}
}
