package o365test

import (
	"os"
	"strconv"
	"strings"
)

// PeakRSSKB returns the process's peak resident memory in KiB, as the
// kernel counts it (VmHWM in /proc/self/status), or -1 where there is no
// such count. Tests that bound a transfer's memory run it in a process of
// their own and read this at its end.
func PeakRSSKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}
