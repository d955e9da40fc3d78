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
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/svcproc"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// The service binaries are built once for the package.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func buildBinaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "wirestream-e2e-bin-")
		if buildErr == nil {
			buildErr = svcproc.Build(context.Background(), testenv.RepoRoot(t), binDir, "ingest", "enrich", "index")
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := svcproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// uniqueName returns prefix plus a random suffix, for topics, groups and
// index names that no other test uses.
func uniqueName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// service wraps svcproc.Service with test failure reporting.
type service struct {
	*svcproc.Service
	t *testing.T
}

func newService(t *testing.T, name string, args ...string) *service {
	s, err := svcproc.New(buildBinaries(t), t.TempDir(), name, append([]string{"--log-level", "info"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("--- %s log (tail) ---\n%s", name, s.LogTail(4000))
		}
	})
	return &service{Service: s, t: t}
}

const readyTimeout = 90 * time.Second // the machine may be busy

func (s *service) start() {
	s.t.Helper()
	if err := s.Start(readyTimeout); err != nil {
		s.t.Fatal(err)
	}
}

func (s *service) stop() {
	s.t.Helper()
	if err := s.Stop(); err != nil {
		s.t.Fatal(err)
	}
}

func (s *service) kill() {
	s.t.Helper()
	if err := s.Kill(); err != nil {
		s.t.Fatal(err)
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

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
