//go:build !race

package postgres

// noSkipEvents is the size of TestNoSkipAcrossProcesses.
const noSkipEvents = 100_000
