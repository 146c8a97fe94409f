//go:build tools

// Package tools pins the flux CLI built by benches/build-flux-cli.sh (not by
// realstack/build, whose cache key must not change).
package tools

import (
	_ "github.com/fluxcd/flux2/v2/cmd/flux"
)
