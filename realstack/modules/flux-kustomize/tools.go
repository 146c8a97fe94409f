//go:build tools

// Package tools pins the Flux kustomize-controller built by realstack/build.
package tools

import (
	_ "github.com/fluxcd/kustomize-controller"
)
