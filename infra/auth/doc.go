// Package auth holds the mechanics of signing in, with no HTTP in it: argon2id
// password hashes and the password policy (password.go), HS256 JWTs (token.go),
// the signing key that survives restarts (key.go) and the sign-in rate limiter
// (ratelimit.go). Every function that needs the time takes it from an injected
// clock, so tests move time instead of sleeping.
package auth
