//go:build tools

// Package tools pins kustomize's dependencies in go.sum; the binary is built with
// `go build sigs.k8s.io/kustomize/kustomize/v5`.
package tools

import _ "sigs.k8s.io/kustomize/kustomize/v5"
