package esindex

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/wirestream/wirestream/pkg/testenv"
)

// savedObject is the part of a Kibana saved object the checks read.
type savedObject struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Attributes map[string]any `json:"attributes"`
	References []struct {
		Name, Type, ID string
	} `json:"references"`
}

func aggregatable(typ string) bool {
	switch typ {
	case "keyword", "date", "long", "integer", "short", "byte", "double", "float", "boolean":
		return true
	}
	return false
}

// kueryField finds field names in the simple KQL the saved objects use
// ("quote_speakers:*", "quote_count > 0").
var kueryField = regexp.MustCompile(`([a-z_][a-z_.]*)\s*(?::|[<>]=?)`)

// TestKibanaSavedObjects checks deploy/kibana/saved_objects.ndjson against
// the index mapping: every field a chart aggregates on or a search sorts by
// exists with an aggregatable type, the time field is a date, columns and
// query fields exist, and every reference resolves.
func TestKibanaSavedObjects(t *testing.T) {
	path := filepath.Join(testenv.RepoRoot(t), "deploy", "kibana", "saved_objects.ndjson")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fields := MappingFields(Mapping(false))
	var objs []savedObject
	ids := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var o savedObject
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("line %d: %v", len(objs)+1, err)
		}
		objs = append(objs, o)
		ids[o.ID] = o.Type
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	need := func(obj, field string, agg bool) {
		t.Helper()
		typ, ok := fields[field]
		switch {
		case !ok:
			t.Errorf("%s uses %s, which the mapping lacks", obj, field)
		case agg && !aggregatable(typ):
			t.Errorf("%s aggregates or sorts on %s of type %s, which is not aggregatable", obj, field, typ)
		}
	}
	searchSource := func(o savedObject) {
		meta, _ := o.Attributes["kibanaSavedObjectMeta"].(map[string]any)
		raw, _ := meta["searchSourceJSON"].(string)
		var ss struct {
			Query struct {
				Query    string `json:"query"`
				Language string `json:"language"`
			} `json:"query"`
		}
		if err := json.Unmarshal([]byte(raw), &ss); err != nil {
			t.Errorf("%s: searchSourceJSON: %v", o.ID, err)
			return
		}
		for _, m := range kueryField.FindAllStringSubmatch(ss.Query.Query, -1) {
			need(o.ID, m[1], false)
		}
	}
	counts := map[string]int{}
	for _, o := range objs {
		counts[o.Type]++
		for _, r := range o.References {
			if got, ok := ids[r.ID]; !ok || got != r.Type {
				t.Errorf("%s references %s %s, not in the file", o.ID, r.Type, r.ID)
			}
		}
		switch o.Type {
		case "index-pattern":
			if o.ID == "wirestream-logs" {
				// The services' own logs (shipped by Filebeat), not articles.
				if o.Attributes["title"] != "wirestream-logs-*" || o.Attributes["timeFieldName"] != "@timestamp" {
					t.Errorf("logs data view: %v", o.Attributes)
				}
				continue
			}
			if title := o.Attributes["title"]; title != NewLayout("").ReadAlias() {
				t.Errorf("data view title %v, want the read alias", title)
			}
			tf, _ := o.Attributes["timeFieldName"].(string)
			if fields[tf] != "date" {
				t.Errorf("time field %q is %q, want a date", tf, fields[tf])
			}
		case "search":
			searchSource(o)
			cols, _ := o.Attributes["columns"].([]any)
			for _, c := range cols {
				need(o.ID, c.(string), false)
			}
			sorts, _ := o.Attributes["sort"].([]any)
			for _, s := range sorts {
				need(o.ID, s.([]any)[0].(string), true)
			}
		case "visualization":
			searchSource(o)
			var vs struct {
				Aggs []struct {
					Type   string         `json:"type"`
					Params map[string]any `json:"params"`
				} `json:"aggs"`
			}
			if err := json.Unmarshal([]byte(o.Attributes["visState"].(string)), &vs); err != nil {
				t.Errorf("%s: visState: %v", o.ID, err)
				continue
			}
			for _, a := range vs.Aggs {
				field, _ := a.Params["field"].(string)
				if field == "" {
					continue
				}
				need(o.ID, field, true)
				if a.Type == "date_histogram" && fields[field] != "date" {
					t.Errorf("%s: date_histogram on %s (%s)", o.ID, field, fields[field])
				}
			}
		case "dashboard":
			var panels []struct {
				PanelRefName string `json:"panelRefName"`
			}
			if err := json.Unmarshal([]byte(o.Attributes["panelsJSON"].(string)), &panels); err != nil {
				t.Errorf("%s: panelsJSON: %v", o.ID, err)
			}
			names := map[string]bool{}
			for _, r := range o.References {
				names[r.Name] = true
			}
			for _, p := range panels {
				if !names[p.PanelRefName] {
					t.Errorf("%s: panel %s has no reference", o.ID, p.PanelRefName)
				}
			}
		default:
			t.Errorf("unexpected saved object type %s", o.Type)
		}
	}
	for typ, min := range map[string]int{"index-pattern": 1, "search": 2, "visualization": 5, "dashboard": 1} {
		if counts[typ] < min {
			t.Errorf("%d %s objects, want at least %d", counts[typ], typ, min)
		}
	}
}
