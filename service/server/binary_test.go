package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests that run the real binary build it once, into a directory TestMain removes.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// leadscored builds cmd/leadscored (once per test binary) and returns its path.
func leadscored(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "leadscored-test-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "leadscored")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binPath, "./cmd/leadscored")
		cmd.Dir = ".." // the module's root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/leadscored: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// child is a running leadscored.
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string // host:port it listens on
	done chan struct{}
	err  error // Wait's, once done is closed

	mu  sync.Mutex
	log []string
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startChild runs leadscored with args (and -addr 127.0.0.1:0), waits until it listens, and
// kills it when the test ends if it is still running.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{t: t, done: make(chan struct{})}
	c.cmd = exec.Command(leadscored(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			c.mu.Lock()
			c.log = append(c.log, line)
			c.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("leadscored's log:\n%s", c.logText())
		}
	})
	select {
	case c.addr = <-addr:
	case <-c.done:
		t.Fatalf("leadscored exited before listening: %v\n%s", c.err, c.logText())
	case <-time.After(30 * time.Second):
		t.Fatalf("leadscored did not listen within 30s:\n%s", c.logText())
	}
	return c
}

func (c *child) logText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.log, "\n")
}

// kill ends the process at once (SIGKILL): nothing of it runs after, as in a crash.
func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// stop asks the process to stop (SIGTERM) and waits for a graceful exit with status 0.
func (c *child) stop() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-c.done:
		if c.err != nil {
			c.t.Errorf("leadscored after SIGTERM: %v, want a clean exit", c.err)
		}
		if !strings.Contains(c.logText(), "msg=stopped") {
			c.t.Errorf("leadscored did not log its graceful stop:\n%s", c.logText())
		}
	case <-time.After(30 * time.Second):
		c.t.Fatalf("leadscored did not stop within 30s of SIGTERM")
	}
}
