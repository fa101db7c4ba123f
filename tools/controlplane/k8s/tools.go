//go:build tools

// Package tools pins the control-plane binaries the end-to-end tests run.
// Nothing here is compiled into day2; scripts/controlplane/build.sh builds
// the commands below from this module.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
