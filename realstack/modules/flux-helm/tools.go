//go:build tools

// Package tools pins the Flux helm-controller built by realstack/build.
package tools

import (
	_ "github.com/fluxcd/helm-controller"
)
