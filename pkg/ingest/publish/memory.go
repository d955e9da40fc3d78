package publish

import (
	"context"
	"slices"
	"sync"

	"github.com/wirestream/wirestream/pkg/article"
)

// Memory is an in-process Publisher that keeps what it is given. It serves
// tests and dry runs. Fail, when set, decides the outcome of each call
// before anything is kept: a non-nil error is returned as is and nothing
// is stored, except that an ItemErrors result stores the articles whose
// entry is nil.
type Memory struct {
	mu       sync.Mutex
	articles []*article.Article
	calls    int

	// Fail, when non-nil, is called with each batch; see Memory.
	Fail func(articles []*article.Article) error
}

// Publish implements Publisher.
func (m *Memory) Publish(ctx context.Context, articles []*article.Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	StampTrace(articles, "")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	var err error
	if m.Fail != nil {
		err = m.Fail(articles)
	}
	if err == nil {
		m.articles = append(m.articles, articles...)
		return nil
	}
	if items, ok := err.(ItemErrors); ok && len(items) == len(articles) {
		for i, a := range articles {
			if items[i] == nil {
				m.articles = append(m.articles, a)
			}
		}
	}
	return err
}

// Articles returns a copy of everything published so far, in order.
func (m *Memory) Articles() []*article.Article {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.articles)
}

// Calls counts Publish calls, failed ones included.
func (m *Memory) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

// SetFail replaces Fail under the lock, so tests can flip it while a
// publisher is in use.
func (m *Memory) SetFail(f func([]*article.Article) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Fail = f
}
