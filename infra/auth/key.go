package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/chance-video/chance/infra/atomicfile"
)

// KeyFileName is the signing key's file in the data folder.
const KeyFileName = "jwt.key"

// LoadOrCreateKey returns the token signing key, so that tokens stay valid
// across restarts:
//
//   - secret (CHANCE_JWT_SECRET), when non-empty, is the key: its bytes as
//     given, at least MinKeyLength of them. Nothing is written to disk.
//   - otherwise <dataDir>/jwt.key is read: MinKeyLength or more bytes written
//     as lowercase or uppercase hex, one line, surrounding whitespace ignored.
//     Hex keeps the file printable and easy to check; anything else is refused
//     as corrupt rather than guessed at.
//   - otherwise 32 bytes from crypto/rand are written there, mode 0600.
//
// Note that pasting the file's hex into CHANCE_JWT_SECRET gives a different key
// (the secret is used as raw bytes, not decoded), which signs everyone out.
func LoadOrCreateKey(dataDir string, secret string) ([]byte, error) {
	if secret != "" {
		if len(secret) < MinKeyLength {
			return nil, fmt.Errorf("CHANCE_JWT_SECRET is %d bytes long, want at least %d (for example: openssl rand -hex 32)", len(secret), MinKeyLength)
		}
		return []byte(secret), nil
	}
	if dataDir == "" {
		return nil, errors.New("no token signing key: CHANCE_JWT_SECRET is empty and there is no data folder to keep a key in")
	}
	path := filepath.Join(dataDir, KeyFileName)
	key, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	return createKeyFile(dataDir, path)
}

func readKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read token signing key: %w", err)
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(data)))
	if err == nil && len(key) < MinKeyLength {
		err = fmt.Errorf("%d bytes, want at least %d", len(key), MinKeyLength)
	}
	if err != nil {
		return nil, fmt.Errorf("token signing key %s is corrupt (want %d or more hex digits): %v; "+
			"delete it to generate a new key, which signs everyone out", path, 2*MinKeyLength, err)
	}
	return key, nil
}

// createKeyFile writes a fresh key to a temporary file and then links it into
// place. A link, unlike a rename, fails if the name exists: if two processes
// start on one data folder at once, the second keeps the first one's key
// instead of replacing it and voiding the tokens the first has issued.
func createKeyFile(dataDir, path string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate token signing key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("generate token signing key: %w", err)
	}
	tmp, err := writeTemp(dataDir, []byte(hex.EncodeToString(key)+"\n"))
	if err != nil {
		return nil, fmt.Errorf("write token signing key: %w", err)
	}
	defer os.Remove(tmp)

	err = os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return readKeyFile(path) // another process got there first
	case err != nil:
		// Some file systems have no hard links; a rename is still atomic.
		if err := os.Rename(tmp, path); err != nil {
			return nil, fmt.Errorf("write token signing key: %w", err)
		}
	}
	if err := atomicfile.SyncDir(dataDir); err != nil {
		return nil, fmt.Errorf("write token signing key: %w", err)
	}
	return key, nil
}

// writeTemp writes data to a new 0600 file in dir, flushed to disk, and
// returns its name.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+KeyFileName+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	err = f.Chmod(0o600) // CreateTemp's mode today, stated so it stays true
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
