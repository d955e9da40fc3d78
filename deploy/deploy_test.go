// Package deploy holds checks of the deployment files that need no Docker
// engine: docker-compose.yml, the Dockerfile, the local stack scripts and the
// Makefile targets.
package deploy

import (
	"encoding/base64"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wirestream/wirestream/pkg/testenv"
)

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string        `yaml:"image"`
	Build       *composeBuild `yaml:"build"`
	Command     []string      `yaml:"command"`
	Environment yaml.Node     `yaml:"environment"`
	Ports       []string      `yaml:"ports"`
	DependsOn   yaml.Node     `yaml:"depends_on"`
	Volumes     []string      `yaml:"volumes"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

type composeBuild struct {
	Context    string            `yaml:"context"`
	Dockerfile string            `yaml:"dockerfile"`
	Target     string            `yaml:"target"`
	Args       map[string]string `yaml:"args"`
}

// env returns the service's environment, from either the mapping or the
// list ("KEY=value") form.
func (s composeService) env(t *testing.T, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch s.Environment.Kind {
	case 0:
	case yaml.MappingNode:
		if err := s.Environment.Decode(&out); err != nil {
			t.Fatalf("%s: environment: %v", name, err)
		}
	case yaml.SequenceNode:
		var list []string
		if err := s.Environment.Decode(&list); err != nil {
			t.Fatalf("%s: environment: %v", name, err)
		}
		for _, kv := range list {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
	default:
		t.Fatalf("%s: environment is neither a mapping nor a list", name)
	}
	return out
}

// dependsOn returns the services s depends on, with their conditions
// ("service_started" for the short list form).
func (s composeService) dependsOn(t *testing.T, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch s.DependsOn.Kind {
	case 0:
	case yaml.SequenceNode:
		var list []string
		if err := s.DependsOn.Decode(&list); err != nil {
			t.Fatalf("%s: depends_on: %v", name, err)
		}
		for _, d := range list {
			out[d] = "service_started"
		}
	case yaml.MappingNode:
		var m map[string]struct {
			Condition string `yaml:"condition"`
		}
		if err := s.DependsOn.Decode(&m); err != nil {
			t.Fatalf("%s: depends_on: %v", name, err)
		}
		for d, c := range m {
			out[d] = c.Condition
		}
	default:
		t.Fatalf("%s: depends_on is neither a list nor a mapping", name)
	}
	return out
}

// hostPorts maps each published host port of s to its container port.
func (s composeService) hostPorts(t *testing.T, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range s.Ports {
		parts := strings.Split(strings.TrimSuffix(p, "/tcp"), ":")
		var host, container string
		switch len(parts) {
		case 2:
			host, container = parts[0], parts[1]
		case 3:
			if ip := net.ParseIP(parts[0]); ip == nil {
				t.Errorf("%s: port %q: %q is not an IP address", name, p, parts[0])
			}
			host, container = parts[1], parts[2]
		default:
			t.Errorf("%s: port %q: want [IP:]HOST:CONTAINER", name, p)
			continue
		}
		out[host] = container
	}
	return out
}

func readFile(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadCompose(t *testing.T) (string, composeFile) {
	t.Helper()
	root := testenv.RepoRoot(t)
	var c composeFile
	if err := yaml.Unmarshal([]byte(readFile(t, root, "docker-compose.yml")), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return root, c
}

// stackVersion reads NAME=VALUE from deploy/local/stack.sh, so that Docker
// users and the local stack run the same Kafka and Elasticsearch.
func stackVersion(t *testing.T, root, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `=([0-9][0-9.]*)$`).FindStringSubmatch(readFile(t, root, "deploy/local/stack.sh"))
	if m == nil {
		t.Fatalf("deploy/local/stack.sh sets no %s", name)
	}
	return m[1]
}

var appServices = []string{"ingest", "enrich", "index"}

func TestComposeServicesAndImages(t *testing.T) {
	root, c := loadCompose(t)
	for _, name := range append([]string{"kafka", "elasticsearch", "kibana", "setup"}, appServices...) {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	kafkaV, esV := stackVersion(t, root, "KAFKA_VERSION"), stackVersion(t, root, "ES_VERSION")
	wantImage := map[string]string{
		"kafka":         "apache/kafka:" + kafkaV,
		"elasticsearch": "docker.elastic.co/elasticsearch/elasticsearch:" + esV,
		"kibana":        "docker.elastic.co/kibana/kibana:" + esV,
	}
	for name, img := range wantImage {
		if got := c.Services[name].Image; got != img {
			t.Errorf("%s: image %q, want %q (the version deploy/local/stack.sh runs)", name, got, img)
		}
	}
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("%s: neither image nor build", name)
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") && !strings.HasPrefix(src, "/") {
				if _, ok := c.Volumes[src]; !ok {
					t.Errorf("%s: volume %q is not declared under volumes", name, src)
				}
			}
		}
	}
	for _, name := range []string{"kafka", "elasticsearch", "kibana"} {
		if hc := c.Services[name].Healthcheck; hc == nil || len(hc.Test) == 0 {
			t.Errorf("%s: no healthcheck (depends_on conditions need one)", name)
		}
	}
}

func TestComposeBuildsFromOneDockerfile(t *testing.T) {
	root, c := loadCompose(t)
	stages := map[string]bool{}
	var dockerfile string
	for _, name := range append([]string{"setup"}, appServices...) {
		s := c.Services[name]
		b := s.Build
		if b == nil {
			t.Errorf("%s: no build section", name)
			continue
		}
		if b.Context != "." {
			t.Errorf("%s: build context %q, want the repository root", name, b.Context)
		}
		if dockerfile == "" {
			dockerfile = b.Dockerfile
		} else if b.Dockerfile != dockerfile {
			t.Errorf("%s: dockerfile %q, want the same %q as the others", name, b.Dockerfile, dockerfile)
		}
		if name == "setup" {
			if b.Target != "setup" {
				t.Errorf("setup: target %q, want setup", b.Target)
			}
			continue
		}
		if b.Target != "service" || b.Args["SERVICE"] != name {
			t.Errorf("%s: target %q SERVICE=%q, want target service, SERVICE=%s", name, b.Target, b.Args["SERVICE"], name)
		}
		if _, err := os.Stat(filepath.Join(root, "cmd", name, "main.go")); err != nil {
			t.Errorf("%s: no command at ./cmd/%s: %v", name, name, err)
		}
		if len(s.Command) == 0 || s.Command[0] != "serve" {
			t.Errorf("%s: command %v, want [serve]", name, s.Command)
		}
	}
	if dockerfile == "" {
		t.Fatal("no dockerfile named")
	}
	df := readFile(t, root, dockerfile)
	for _, m := range regexp.MustCompile(`(?mi)^FROM\s+\S+\s+AS\s+(\S+)`).FindAllStringSubmatch(df, -1) {
		stages[m[1]] = true
	}
	for _, st := range []string{"build", "setup", "service"} {
		if !stages[st] {
			t.Errorf("%s has no stage %q", dockerfile, st)
		}
	}
	for _, name := range appServices {
		if !strings.Contains(df, "./cmd/"+name) {
			t.Errorf("%s does not build ./cmd/%s", dockerfile, name)
		}
	}
	if !strings.Contains(df, "COPY --from=build /out/${SERVICE}") {
		t.Errorf("%s: the service stage does not pick the binary by SERVICE", dockerfile)
	}
	setup := readFile(t, root, "deploy/docker/setup.sh")
	for _, want := range []string{"index setup", "deploy/kibana/import.sh", "kafka-topics"} {
		if !strings.Contains(setup, want) {
			t.Errorf("deploy/docker/setup.sh does not call %q", want)
		}
	}
	if fi, err := os.Stat(filepath.Join(root, "deploy/docker/setup.sh")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("deploy/docker/setup.sh is not executable (%v)", err)
	}
}

func TestComposeDependsOnAndPorts(t *testing.T) {
	_, c := loadCompose(t)
	valid := map[string]bool{"service_started": true, "service_healthy": true, "service_completed_successfully": true}
	deps := map[string]map[string]string{}
	for name, s := range c.Services {
		deps[name] = s.dependsOn(t, name)
		for d, cond := range deps[name] {
			if _, ok := c.Services[d]; !ok {
				t.Errorf("%s depends on %s, which is no service", name, d)
			}
			if !valid[cond] {
				t.Errorf("%s depends on %s with condition %q", name, d, cond)
			}
			if cond == "service_healthy" && c.Services[d].Healthcheck == nil {
				t.Errorf("%s waits for %s to be healthy, which has no healthcheck", name, d)
			}
		}
	}
	// No cycles.
	state := map[string]int{}
	var visit func(string, []string)
	visit = func(n string, path []string) {
		switch state[n] {
		case 1:
			t.Errorf("depends_on cycle: %s", strings.Join(append(path, n), " -> "))
			return
		case 2:
			return
		}
		state[n] = 1
		for d := range deps[n] {
			visit(d, append(path, n))
		}
		state[n] = 2
	}
	for n := range c.Services {
		visit(n, nil)
	}
	for _, name := range appServices {
		if deps[name]["setup"] != "service_completed_successfully" {
			t.Errorf("%s must start after setup completed successfully", name)
		}
	}
	for _, d := range []string{"kafka", "elasticsearch"} {
		if deps["setup"][d] != "service_healthy" {
			t.Errorf("setup must wait for %s to be healthy", d)
		}
	}

	want := map[string][]string{
		"kafka": {"9092"}, "elasticsearch": {"9200"}, "kibana": {"5601"},
		"ingest": {"8080", "8081"}, "enrich": {"8082"}, "index": {"8083"},
	}
	owner := map[string]string{}
	for name, s := range c.Services {
		ports := s.hostPorts(t, name)
		for host := range ports {
			if other, dup := owner[host]; dup {
				t.Errorf("host port %s published by both %s and %s", host, other, name)
			}
			owner[host] = name
		}
		for _, p := range want[name] {
			if ports[p] != p {
				t.Errorf("%s: port %s not published as %s:%s (ports %v)", name, p, p, p, s.Ports)
			}
		}
	}
}

func TestComposeServiceSettings(t *testing.T) {
	_, c := loadCompose(t)
	kenv := c.Services["kafka"].env(t, "kafka")
	// The address the services must use is the one Kafka advertises on the
	// inter-broker (in-network) listener.
	internal := kenv["KAFKA_INTER_BROKER_LISTENER_NAME"]
	advertised := map[string]string{}
	for _, l := range strings.Split(kenv["KAFKA_ADVERTISED_LISTENERS"], ",") {
		name, addr, _ := strings.Cut(l, "://")
		advertised[name] = addr
	}
	brokers := advertised[internal]
	if brokers == "" || !strings.HasPrefix(brokers, "kafka:") {
		t.Fatalf("kafka advertises %q on %q, want kafka:PORT", brokers, internal)
	}
	if id, err := base64.RawURLEncoding.DecodeString(kenv["CLUSTER_ID"]); err != nil || len(id) != 16 {
		t.Errorf("kafka CLUSTER_ID %q is not 16 bytes of unpadded base64url", kenv["CLUSTER_ID"])
	}
	_, cport, _ := net.SplitHostPort(strings.TrimPrefix(kenv["KAFKA_CONTROLLER_QUORUM_VOTERS"], "1@"))
	if !strings.Contains(kenv["KAFKA_LISTENERS"], "CONTROLLER://:"+cport) {
		t.Errorf("controller quorum voter port %s is not a CONTROLLER listener in %q", cport, kenv["KAFKA_LISTENERS"])
	}

	for _, name := range append([]string{"setup"}, appServices...) {
		s := c.Services[name]
		env := s.env(t, name)
		if env["KAFKA_BROKERS"] != brokers {
			t.Errorf("%s: KAFKA_BROKERS=%q, want %q", name, env["KAFKA_BROKERS"], brokers)
		}
		u, err := url.Parse(env["ELASTICSEARCH_URL"])
		if err != nil || u.Scheme != "http" || u.Host != "elasticsearch:9200" {
			t.Errorf("%s: ELASTICSEARCH_URL=%q, want http://elasticsearch:9200", name, env["ELASTICSEARCH_URL"])
		}
		if name == "setup" {
			continue
		}
		ports := s.hostPorts(t, name)
		addrs := map[string]string{"WIRESTREAM_ADMIN_ADDR": env["WIRESTREAM_ADMIN_ADDR"]}
		if name == "ingest" {
			addrs["WIRESTREAM_HTTP_ADDR"] = env["WIRESTREAM_HTTP_ADDR"]
		}
		for k, a := range addrs {
			host, port, err := net.SplitHostPort(a)
			if err != nil {
				t.Errorf("%s: %s=%q is not host:port", name, k, a)
				continue
			}
			if host != "0.0.0.0" && host != "" {
				t.Errorf("%s: %s=%q listens on %q only; inside a container it must be 0.0.0.0", name, k, a, host)
			}
			published := false
			for _, cp := range ports {
				published = published || cp == port
			}
			if !published {
				t.Errorf("%s: %s port %s is not published", name, k, port)
			}
		}
	}
}

// TestComposeConfigValid asks Docker Compose itself, where it is installed.
func TestComposeConfigValid(t *testing.T) {
	if err := exec.Command("docker", "compose", "version").Run(); err != nil {
		t.Skip("docker compose is not installed")
	}
	root := testenv.RepoRoot(t)
	cmd := exec.Command("docker", "compose", "-f", "docker-compose.yml", "config", "-q")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker compose config: %v\n%s", err, out)
	}
}

func TestShellScriptsParse(t *testing.T) {
	root := testenv.RepoRoot(t)
	for _, f := range []string{"deploy/local/stack.sh", "deploy/local/with-stack.sh", "deploy/docker/setup.sh", ".ci/run"} {
		p := filepath.Join(root, f)
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", f)
		}
		if out, err := exec.Command("bash", "-n", p).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", f, err, out)
		}
	}
}

// The Makefile keeps the targets that CI, the README and the other scripts
// name.
func TestMakefileTargets(t *testing.T) {
	mk := readFile(t, testenv.RepoRoot(t), "Makefile")
	for _, target := range []string{"build", "unit", "integration", "test", "stack-up", "stack-down", "stack-status",
		"stack-env", "es-stop", "es-start", "demo", "fmt", "vet"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).MatchString(mk) {
			t.Errorf("Makefile has no target %s", target)
		}
	}
	ci := readFile(t, testenv.RepoRoot(t), ".ci/run")
	if !regexp.MustCompile(`(?m)^exec make test\b`).MatchString(ci) {
		t.Error(".ci/run does not end in `make test`")
	}
}
