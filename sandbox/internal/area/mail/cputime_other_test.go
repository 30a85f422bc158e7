//go:build !unix

package mail_test

import "time"

// processStart stands in for the process's CPU clock where there is none
// to read: wall time.
var processStart = time.Now()

// cpuTime is the wall time since the process started (no CPU clock here).
func cpuTime() time.Duration { return time.Since(processStart) }
