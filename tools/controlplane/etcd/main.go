// Command etcd is etcd's own entry point, built from its module for the
// end-to-end tests (scripts/controlplane/build.sh).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
