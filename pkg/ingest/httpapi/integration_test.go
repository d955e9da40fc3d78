//go:build integration

package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish/publishtest"
	"github.com/wirestream/wirestream/pkg/storygen"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// liveServer starts the API over the real Kafka on a fresh topic.
func liveServer(t testing.TB, partitions int) (srv *httptest.Server, brokers []string, topic string) {
	t.Helper()
	k, brokers, topic := publishtest.Publisher(t, partitions)
	h, err := New(k, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, brokers, topic
}

func post(t testing.TB, client *http.Client, url, ctype string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := client.Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestIntegrationHTTP(t *testing.T) {
	srv, brokers, topic := liveServer(t, 4)
	c := srv.Client()
	var want []string

	// Single JSON article, then a second revision of it.
	for _, v := range []int64{1, 2} {
		body := strings.Replace(jsonArticle("urn:http:1", "Single"), `"version":1`, fmt.Sprintf(`"version":%d`, v), 1)
		code, out := post(t, c, srv.URL+"/v1/articles", "application/json", []byte(body))
		if code != 202 {
			t.Fatalf("single v%d: %d %s", v, code, out)
		}
		var r SingleResponse
		if err := json.Unmarshal(out, &r); err != nil || r.Version != v {
			t.Fatalf("single response %s", out)
		}
		want = append(want, publishtest.RevisionKey(r.ID, r.Version))
	}

	// A real NewsML-G2 example, detected from the content.
	g2 := testenv.SharedDir(t, "fixtures", "wire", "newsml-g2")
	files, _ := filepath.Glob(filepath.Join(g2, "*.xml"))
	if len(files) > 0 {
		data, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		code, out := post(t, c, srv.URL+"/v1/articles:batch?source=iptc-example", "application/xml", data)
		var br BatchResponse
		_ = json.Unmarshal(out, &br)
		if code != http.StatusAccepted {
			t.Errorf("NewsML-G2 %s: %d %s", filepath.Base(files[0]), code, out)
		}
		t.Logf("NewsML-G2 %s: %d accepted, %d skipped", filepath.Base(files[0]), br.Accepted, br.Skipped)
		for _, r := range br.Results {
			if r.Status == StatusAccepted {
				want = append(want, publishtest.RevisionKey(r.ID, r.Version))
			}
		}
	}

	// NDJSON batch with one invalid line: 207, the valid ones published.
	var nd bytes.Buffer
	for i := 0; i < 5; i++ {
		nd.WriteString(jsonArticle(fmt.Sprint("urn:http:b", i), fmt.Sprint("Batch ", i)) + "\n")
	}
	nd.WriteString(strings.Replace(jsonArticle("urn:http:bad", "Bad"), `"status":"usable"`, `"status":"killed"`, 1) + "\n")
	code, out := post(t, c, srv.URL+"/v1/articles:batch", "application/x-ndjson", nd.Bytes())
	if code != http.StatusMultiStatus {
		t.Fatalf("batch: %d %s", code, out)
	}
	var br BatchResponse
	if err := json.Unmarshal(out, &br); err != nil || br.Accepted != 5 || br.Rejected != 1 {
		t.Fatalf("batch response %s", out)
	}
	for _, r := range br.Results {
		if r.Status == StatusAccepted {
			want = append(want, publishtest.RevisionKey(r.ID, r.Version))
		}
	}

	// An RSS document as a batch.
	code, out = post(t, c, srv.URL+"/v1/articles:batch?source=it-rss", "application/rss+xml", []byte(rssDoc))
	if code != 202 {
		t.Fatalf("rss batch: %d %s", code, out)
	}
	br = BatchResponse{}
	_ = json.Unmarshal(out, &br)
	for _, r := range br.Results {
		want = append(want, publishtest.RevisionKey(r.ID, r.Version))
	}

	publishtest.CheckExactlyOnce(t, publishtest.ReadAll(t, brokers, topic), want)
}

// storyLines renders n generated stories from start as NDJSON.
func storyLines(tb testing.TB, gen *storygen.Generator, start, n int) []byte {
	var buf bytes.Buffer
	for i := start; i < start+n; i++ {
		data, err := article.Marshal(gen.Story(i))
		if err != nil {
			tb.Fatal(err)
		}
		buf.Write(data)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// BenchmarkIntegrationHTTPBatch posts NDJSON batches of 1,000 generated
// stories to the API over the real Kafka and reports articles per second
// (issue target: at least 5,000).
func BenchmarkIntegrationHTTPBatch(b *testing.B) {
	const perBatch = 1000
	srv, _, _ := liveServer(b, 4)
	gen := storygen.New(1, "bench-wire")
	bodies := make([][]byte, 8)
	for i := range bodies {
		bodies[i] = storyLines(b, gen, i*perBatch, perBatch)
	}
	c := srv.Client()
	b.SetBytes(int64(len(bodies[0])))
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		code, out := post(b, c, srv.URL+"/v1/articles:batch", "application/x-ndjson", bodies[n%len(bodies)])
		if code != 202 {
			b.Fatalf("batch: %d %.300s", code, out)
		}
		n++
	}
	b.ReportMetric(float64(n*perBatch)/time.Since(start).Seconds(), "articles/s")
}

// BenchmarkIntegrationHTTPSingleLatency sends single-article POSTs at about
// 200 requests per second for three seconds and reports the p50 and p99
// latency from request to 202 (Kafka acknowledged, acks=all).
func BenchmarkIntegrationHTTPSingleLatency(b *testing.B) {
	srv, _, _ := liveServer(b, 4)
	gen := storygen.New(2, "latency-wire")
	const rate, seconds = 200, 3
	bodies := make([][]byte, rate*seconds)
	for i := range bodies {
		data, err := article.Marshal(gen.Story(i))
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = data
	}
	c := srv.Client()
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	for b.Loop() {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		for i := range bodies {
			<-tick.C
			wg.Add(1)
			go func(body []byte) {
				defer wg.Done()
				t0 := time.Now()
				code, out := post(b, c, srv.URL+"/v1/articles", "application/json", body)
				d := time.Since(t0)
				if code != 202 {
					b.Errorf("single: %d %.300s", code, out)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}(bodies[i])
		}
		tick.Stop()
		wg.Wait()
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		}
	}
}
