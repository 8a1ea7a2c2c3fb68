// Package domain holds what every aggregate shares: the Event interface and the
// domain errors' categories. Aggregates live in sub-packages as pure deciders:
// Decide(command, state) → events or an error, Evolve(state, event) → state.
// Nothing under domain/ reads a clock, touches storage or keeps globals.
package domain
