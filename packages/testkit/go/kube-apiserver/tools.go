//go:build tools

// Package tools pins the kube-apiserver command's dependencies in go.sum; the binary itself is built
// with `go build k8s.io/kubernetes/cmd/kube-apiserver`.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver/app"
