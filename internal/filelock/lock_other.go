//go:build !unix && !windows

package auth

import "os"

// tryLockFile has no cross-process lock to take on this platform (js, wasip1,
// plan9), where FileStore does not lock at all.
func tryLockFile(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }
