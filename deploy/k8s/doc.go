// Package k8s holds the Kubernetes manifests for running Wirestream in a
// cluster, and a test that validates them at the schema level: every object
// has the fields the API server requires, selectors match their pod
// templates, probes point at the admin endpoints, and every referenced
// ConfigMap or Secret is defined.
package k8s
