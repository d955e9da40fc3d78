package feeds

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// stateVersion is the layout version of the state file.
const stateVersion = 1

// State is what the poller remembers across restarts: per feed URL the
// validators of the last fetched response and the entries already
// published. It is saved as JSON.
type State struct {
	Version int                   `json:"version"`
	Feeds   map[string]*FeedState `json:"feeds"`
}

// FeedState is the memory of one feed.
type FeedState struct {
	// ETag and LastModified are the validators of the last response whose
	// entries were all published; they are sent back as If-None-Match and
	// If-Modified-Since.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen lists the keys (article id and version) of published entries,
	// oldest first, at most the poller's MaxSeen.
	Seen []string `json:"seen"`

	index map[string]bool
}

// has reports whether key was published.
func (f *FeedState) has(key string) bool {
	if f.index == nil {
		f.index = make(map[string]bool, len(f.Seen))
		for _, k := range f.Seen {
			f.index[k] = true
		}
	}
	return f.index[key]
}

// add records key, dropping the oldest keys beyond limit.
func (f *FeedState) add(key string, limit int) {
	if f.has(key) {
		return
	}
	f.Seen = append(f.Seen, key)
	f.index[key] = true
	if over := len(f.Seen) - limit; over > 0 {
		for _, k := range f.Seen[:over] {
			delete(f.index, k)
		}
		f.Seen = append([]string(nil), f.Seen[over:]...)
	}
}

// newState returns an empty state.
func newState() *State { return &State{Version: stateVersion, Feeds: map[string]*FeedState{}} }

// feed returns the state of url, creating it when missing.
func (s *State) feed(url string) *FeedState {
	f := s.Feeds[url]
	if f == nil {
		f = &FeedState{}
		s.Feeds[url] = f
	}
	return f
}

// DecodeState parses a state file. Missing maps are created; a newer
// layout version is an error.
func DecodeState(data []byte) (*State, error) {
	s := newState()
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("decode feed state: %w", err)
	}
	if s.Version > stateVersion {
		return nil, fmt.Errorf("feed state version %d is newer than this reader (%d)", s.Version, stateVersion)
	}
	s.Version = stateVersion
	if s.Feeds == nil {
		s.Feeds = map[string]*FeedState{}
	}
	for url, f := range s.Feeds {
		if f == nil {
			delete(s.Feeds, url)
		}
	}
	return s, nil
}

// loadState reads path; a missing file is an empty state.
func loadState(path string) (*State, error) {
	if path == "" {
		return newState(), nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read feed state: %w", err)
	}
	return DecodeState(data)
}

// saveState writes s to path through a temporary file in the same folder,
// synced and renamed into place, so a crash leaves the old or the new file.
func saveState(path string, s *State) error {
	if path == "" {
		return nil
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode feed state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save feed state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save feed state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	return nil
}
