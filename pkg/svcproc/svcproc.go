// Package svcproc builds and runs the Wirestream service binaries as real
// processes, for end-to-end tests and the benchmark harness: start one, wait
// for its /readyz, stop it gracefully or kill it as a crash would, and read
// its memory use.
package svcproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles the named commands (ingest, enrich, index) of the module at
// root into dir.
func Build(ctx context.Context, root, dir string, names ...string) error {
	for _, name := range names {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, name), "./cmd/"+name)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", name, err, out)
		}
	}
	return nil
}

// FreeAddr returns a free 127.0.0.1 TCP address.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Service is one service process, started with `serve` and an admin address
// of its own. It may be started again after it stopped.
type Service struct {
	// Name is the command name, for messages.
	Name string
	// Bin is the binary, Args the arguments after `serve --admin-addr X`.
	Bin  string
	Args []string
	// AdminAddr is where /readyz is polled.
	AdminAddr string
	// LogPath receives the process's stdout and stderr (appended).
	LogPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// New prepares a service named name from the binary in binDir, logging to
// logDir/name.log, with a free admin address.
func New(binDir, logDir, name string, args ...string) (*Service, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	return &Service{Name: name, Bin: filepath.Join(binDir, name), Args: args, AdminAddr: addr,
		LogPath: filepath.Join(logDir, name+".log")}, nil
}

// Start launches the process and waits until /readyz answers 200, the
// process exits, or timeout passes.
func (s *Service) Start(timeout time.Duration) error {
	s.mu.Lock()
	f, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	args := append([]string{"serve", "--admin-addr", s.AdminAddr}, s.Args...)
	cmd := exec.Command(s.Bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		f.Close()
		return fmt.Errorf("start %s: %w", s.Name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	return s.WaitReady(timeout)
}

// WaitReady polls /readyz until it answers 200.
func (s *Service) WaitReady(timeout time.Duration) error {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("%s exited before becoming ready:\n%s", s.Name, s.LogTail(3000))
		default:
		}
		resp, err := client.Get("http://" + s.AdminAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s:\n%s", s.Name, timeout, s.LogTail(3000))
}

// LogTail returns the last n bytes of the service's log.
func (s *Service) LogTail(n int) string {
	data, _ := os.ReadFile(s.LogPath)
	if len(data) > n {
		data = data[len(data)-n:]
	}
	return string(data)
}

// PID returns the process id, or 0 when not running.
func (s *Service) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Signal sends sig and waits up to 30 s for the process to exit (then kills
// it and reports an error).
func (s *Service) Signal(sig syscall.Signal) error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s did not stop within 30s of %v", s.Name, sig)
	}
}

// Stop ends the process gracefully (SIGTERM).
func (s *Service) Stop() error { return s.Signal(syscall.SIGTERM) }

// Kill ends the process at once (SIGKILL), as a crash would.
func (s *Service) Kill() error { return s.Signal(syscall.SIGKILL) }

// Memory reports the process's resident set size now and at its peak, in
// bytes, from /proc/PID/status.
func (s *Service) Memory() (rss, peak int64, err error) {
	pid := s.PID()
	if pid == 0 {
		return 0, 0, errors.New(s.Name + " is not running")
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[0], 10, 64)
		switch key {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak, nil
}

// CPUTime returns the user plus system CPU time the process has used.
func (s *Service) CPUTime() (time.Duration, error) {
	pid := s.PID()
	if pid == 0 {
		return 0, errors.New(s.Name + " is not running")
	}
	return ProcessCPUTime(pid)
}

// ProcessCPUTime returns the user plus system CPU time process pid has used,
// from /proc/PID/stat (in clock ticks of 1/100 s, as Linux reports them).
func ProcessCPUTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count fields after ')'.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
