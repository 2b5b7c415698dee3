//go:build !unix && !windows

package worksection

import (
	"fmt"
	"os"
	"runtime"
)

// tryLockFile fails: this platform has no file lock the SDK can use.
func tryLockFile(*os.File) (bool, error) {
	return false, fmt.Errorf("file locks are not supported on %s; use a TokenStore with its own lock (package redisstore)", runtime.GOOS)
}

func unlockFile(*os.File) {}
