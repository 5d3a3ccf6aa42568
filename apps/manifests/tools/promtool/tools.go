//go:build tools

// Package tools pins promtool's dependencies in go.sum; the binary is built with
// `go build github.com/prometheus/prometheus/cmd/promtool`.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
