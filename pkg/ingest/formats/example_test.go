package formats_test

import (
	"fmt"
	"time"

	"github.com/wirestream/wirestream/pkg/ingest/formats"
)

func ExampleParse() {
	doc := `<nitf><head><docdata><doc-id regsrc="NNA" id-string="NNA-1"/><du-key version="2"/></docdata></head>
<body><body.head><hedline><hl1>Ferries suspended</hl1></hedline></body.head>
<body.content><p>Storms kept  ferries in port.</p><p>“We wait,” a captain said.</p></body.content></body></nitf>`
	arts, err := formats.Parse([]byte(doc), formats.Options{Now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := arts[0]
	fmt.Println(a.Format, a.Source, a.SourceGUID, a.Version)
	fmt.Println(a.Headline)
	fmt.Println(a.Body)
	// Output:
	// nitf NNA NNA-1 2
	// Ferries suspended
	// Storms kept ferries in port.
	//
	// “We wait,” a captain said.
}
