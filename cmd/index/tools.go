package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirestream/wirestream/internal/cli"
	"github.com/wirestream/wirestream/pkg/config"
	"github.com/wirestream/wirestream/pkg/esindex"
)

// setupCmd implements `index setup`.
func setupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var s esSettings
	var replicas int
	set := config.NewSet("index setup")
	esFlags(set, &s)
	set.Int(&replicas, "index-replicas", "WIRESTREAM_INDEX_REPLICAS", 0, "replicas of a newly created index")
	if err := set.Parse(args); err != nil {
		return &cli.UsageError{Err: err}
	}
	es, err := s.Client()
	if err != nil {
		return &cli.UsageError{Err: err}
	}
	res, err := esindex.Setup(ctx, es, esindex.SetupConfig{Prefix: s.Alias, Replicas: replicas})
	if err != nil {
		return err
	}
	layout := esindex.NewLayout(s.Alias)
	fmt.Fprintf(stdout, "index layout ready: write alias %s -> %s, read alias %s (created index: %v, english analysis: %v)\n",
		layout.WriteAlias(), res.WriteIndex, layout.ReadAlias(), res.CreatedIndex, res.English)
	return nil
}

// searchCmd implements `index search`.
func searchCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var s esSettings
	var req esindex.SearchRequest
	var since string
	set := config.NewSet("index search")
	esFlags(set, &s)
	set.Section("Search")
	set.String(&req.Person, "person", "", "", "only stories naming this person (canonical name)")
	set.String(&req.Org, "org", "", "", "only stories naming this organisation")
	set.String(&req.Place, "place", "", "", "only stories naming this place")
	set.String(&req.Speaker, "speaker", "", "", "only stories quoting this speaker, with the speaker's quotes")
	set.String(&since, "since", "", "", "only stories published since: RFC 3339 time or a duration such as 24h")
	set.Int(&req.Size, "size", "", 10, "number of stories to print")
	if err := set.Parse(args); err != nil {
		return &cli.UsageError{Err: err}
	}
	req.Query = strings.Join(set.FlagSet().Args(), " ")
	if since != "" {
		if d, err := time.ParseDuration(since); err == nil {
			req.Since = time.Now().Add(-d)
		} else if t, err := time.Parse(time.RFC3339, since); err == nil {
			req.Since = t
		} else {
			return &cli.UsageError{Err: fmt.Errorf("--since %q: want RFC 3339 or a duration like 24h", since)}
		}
	}
	es, err := s.Client()
	if err != nil {
		return &cli.UsageError{Err: err}
	}
	req.Alias = esindex.NewLayout(s.Alias).ReadAlias()
	res, err := esindex.Search(ctx, es, req)
	if err != nil {
		return err
	}
	return esindex.PrintResults(stdout, res)
}

// countCmd implements `index count`.
func countCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var s esSettings
	set := config.NewSet("index count")
	esFlags(set, &s)
	if err := set.Parse(args); err != nil {
		return &cli.UsageError{Err: err}
	}
	es, err := s.Client()
	if err != nil {
		return &cli.UsageError{Err: err}
	}
	alias := esindex.NewLayout(s.Alias).ReadAlias()
	if _, err := (esapi.IndicesRefreshRequest{Index: []string{alias}}).Do(ctx, es); err != nil {
		return fmt.Errorf("refresh %s: %w", alias, err)
	}
	resp, err := esapi.CountRequest{Index: []string{alias}}.Do(ctx, es)
	if err != nil {
		return fmt.Errorf("count %s: %w", alias, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return errors.New("count " + alias + ": " + resp.Status() + " " + string(body))
	}
	var out struct {
		Count int64 `json:"count"`
	}
	if err := decodeJSON(resp.Body, &out); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, out.Count)
	return err
}
