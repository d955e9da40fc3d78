// Package buildinfo tells which version of Wirestream a binary is.
package buildinfo

import (
	"runtime/debug"
	"sync"
)

// version may be set at link time:
//
//	go build -ldflags "-X github.com/wirestream/wirestream/pkg/buildinfo.version=v1.2.3"
var version = ""

var (
	once     sync.Once
	resolved string
)

// Version returns the link-time version, else the VCS revision recorded by
// the Go toolchain (with "+dirty" for modified trees), else "dev".
func Version() string {
	once.Do(func() {
		resolved = version
		if resolved != "" {
			return
		}
		resolved = "dev"
		info, ok := debug.ReadBuildInfo()
		if !ok {
			return
		}
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			resolved = info.Main.Version
			return
		}
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			resolved = "dev-" + rev + dirty
		}
	})
	return resolved
}
