//go:build !race

package cli

// raceDetector is true in a -race build, whose shadow memory makes peak
// RSS figures meaningless: memory bounds are checked without it.
const raceDetector = false
