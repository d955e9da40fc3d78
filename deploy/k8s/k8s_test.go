package k8s

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"
)

// object is the part of a Kubernetes object the checks read.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string            `yaml:"name"`
		Namespace string            `yaml:"namespace"`
		Labels    map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Resources  []string          `yaml:"resources"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type container struct {
	Name  string `yaml:"name"`
	Image string `yaml:"image"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	EnvFrom []struct {
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
}

var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func loadAll(t *testing.T) map[string][]object {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	out := map[string][]object{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o object
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[f] = append(out[f], o)
		}
	}
	return out
}

func TestManifests(t *testing.T) {
	all := loadAll(t)
	configMaps, secrets := map[string]bool{}, map[string]bool{}
	var deployments []object
	services := map[string]object{}
	for f, objs := range all {
		for _, o := range objs {
			if o.APIVersion == "" || o.Kind == "" {
				t.Errorf("%s: object without apiVersion/kind", f)
				continue
			}
			if o.Kind == "Kustomization" {
				for _, r := range o.Resources {
					if _, ok := all[r]; !ok {
						t.Errorf("kustomization lists %s, which does not exist", r)
					}
				}
				continue
			}
			if !dns1123.MatchString(o.Metadata.Name) {
				t.Errorf("%s: %s name %q is not a DNS-1123 label", f, o.Kind, o.Metadata.Name)
			}
			wantAPI := map[string]string{"Deployment": "apps/v1", "Service": "v1", "ConfigMap": "v1", "Secret": "v1", "Namespace": "v1"}[o.Kind]
			if wantAPI == "" {
				t.Errorf("%s: unexpected kind %s", f, o.Kind)
			} else if o.APIVersion != wantAPI {
				t.Errorf("%s: %s has apiVersion %s, want %s", f, o.Kind, o.APIVersion, wantAPI)
			}
			switch o.Kind {
			case "ConfigMap":
				configMaps[o.Metadata.Name] = true
			case "Secret":
				secrets[o.Metadata.Name] = true
			case "Deployment":
				deployments = append(deployments, o)
			case "Service":
				services[o.Metadata.Name] = o
			}
		}
	}
	if len(deployments) != 3 {
		t.Fatalf("want 3 deployments (ingest, enrich, index), got %d", len(deployments))
	}
	for _, d := range deployments {
		name := d.Metadata.Name
		if d.Spec.Replicas == nil || *d.Spec.Replicas < 1 {
			t.Errorf("%s: replicas must be set and positive", name)
		}
		if len(d.Spec.Selector.MatchLabels) == 0 {
			t.Errorf("%s: empty selector", name)
		}
		for k, v := range d.Spec.Selector.MatchLabels {
			if d.Spec.Template.Metadata.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod template labels", name, k, v)
			}
		}
		if len(d.Spec.Template.Spec.Containers) == 0 {
			t.Fatalf("%s: no containers", name)
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if c.Image == "" || !dns1123.MatchString(c.Name) {
				t.Errorf("%s: container needs a DNS-1123 name and an image", name)
			}
			portNames := map[string]bool{}
			for _, p := range c.Ports {
				if p.ContainerPort < 1 || p.ContainerPort > 65535 {
					t.Errorf("%s: port %d out of range", name, p.ContainerPort)
				}
				portNames[p.Name] = true
			}
			for label, p := range map[string]*probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
				want := map[string]string{"liveness": "/healthz", "readiness": "/readyz"}[label]
				if p == nil || p.HTTPGet == nil {
					t.Errorf("%s: no %s probe", name, label)
					continue
				}
				if p.HTTPGet.Path != want {
					t.Errorf("%s: %s probe path %s, want %s", name, label, p.HTTPGet.Path, want)
				}
				if port, ok := p.HTTPGet.Port.(string); ok && !portNames[port] {
					t.Errorf("%s: %s probe uses undeclared port %q", name, label, port)
				}
			}
			if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" {
				t.Errorf("%s: resource requests for cpu and memory are required", name)
			}
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef != nil && !configMaps[ef.ConfigMapRef.Name] {
					t.Errorf("%s: references undefined ConfigMap %s", name, ef.ConfigMapRef.Name)
				}
				if ef.SecretRef != nil && !secrets[ef.SecretRef.Name] {
					t.Errorf("%s: references undefined Secret %s", name, ef.SecretRef.Name)
				}
			}
		}
		svc, ok := services[name]
		if !ok {
			t.Errorf("%s: no Service of the same name", name)
			continue
		}
		if len(svc.Spec.Ports) == 0 {
			t.Errorf("service %s: no ports", name)
		}
	}
}
