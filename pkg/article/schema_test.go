package article

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// schemaObject is the part of a JSON Schema object definition the test reads.
type schemaObject struct {
	Required   []string                   `json:"required"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type schemaDoc struct {
	schemaObject
	Defs map[string]schemaObject `json:"$defs"`
}

// jsonFields returns the JSON names of t's fields and which are required
// (no omitempty/omitzero).
func jsonFields(t reflect.Type) (names, required []string) {
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		names = append(names, name)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	slices.Sort(names)
	slices.Sort(required)
	return names, required
}

func sortedKeys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestSchemaMatchesTypes keeps docs/article.schema.json in step with the Go
// types: every JSON field of each type is a schema property, and the
// schema's required list is exactly the fields without omitempty.
func TestSchemaMatchesTypes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "article.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc schemaDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("schema is not valid JSON: %v", err)
	}
	cases := []struct {
		name   string
		typ    reflect.Type
		schema schemaObject
	}{
		{"article", reflect.TypeFor[Article](), doc.schemaObject},
		{"entity", reflect.TypeFor[Entity](), doc.Defs["entity"]},
		{"mention", reflect.TypeFor[Mention](), doc.Defs["mention"]},
		{"span", reflect.TypeFor[Span](), doc.Defs["span"]},
		{"speaker", reflect.TypeFor[Speaker](), doc.Defs["speaker"]},
		{"quote", reflect.TypeFor[Quote](), doc.Defs["quote"]},
		{"enrichment", reflect.TypeFor[Enrichment](), doc.Defs["enrichment"]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			names, required := jsonFields(c.typ)
			if got := sortedKeys(c.schema.Properties); !slices.Equal(got, names) {
				t.Errorf("schema properties %v, Go fields %v", got, names)
			}
			req := slices.Clone(c.schema.Required)
			slices.Sort(req)
			if !slices.Equal(req, required) {
				t.Errorf("schema required %v, Go required %v", req, required)
			}
		})
	}
	// Enumerations in the schema match the Go constants.
	var formatEnum struct {
		Enum []Format `json:"enum"`
	}
	if err := json.Unmarshal(doc.Properties["format"], &formatEnum); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(formatEnum.Enum, Formats) {
		t.Errorf("schema formats %v, Go formats %v", formatEnum.Enum, Formats)
	}
}
