//go:build tools

// Package tools pins kwok, the simulated kubelets of the end-to-end control
// plane: nodes heartbeat and pods run, become ready, crash or fail to pull as
// the Stages in scripts/controlplane/kwok-stages.yaml dictate. Nothing here is
// compiled into day2; scripts/controlplane/build.sh builds sigs.k8s.io/kwok/cmd/kwok
// from this module (kept apart from ../k8s so their k8s.io versions stay independent).
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
