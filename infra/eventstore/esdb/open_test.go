package esdb

import (
	"strings"
	"testing"
)

func TestOpenRefusesBadConnectionStrings(t *testing.T) {
	for _, url := range []string{
		"",
		"http://127.0.0.1:2113",
		"127.0.0.1:2113",
		"esdb://",
		"esdb://127.0.0.1:port",
		"esdb://127.0.0.1:2113/path",
		"esdb://:s3cret@127.0.0.1:2113",
		"esdb://admin:s3cret@127.0.0.1:2113?tls=maybe",
		"esdb://admin:s3cret@127.0.0.1:2113?maxDiscoverAttempts=many",
		"esdb://admin:s3cret@127.0.0.1:notaport",
	} {
		s, err := Open(url)
		if err == nil {
			_ = s.Close()
			t.Errorf("Open(%q) succeeded", url)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): the error shows the password: %v", url, err)
		}
	}
}

// TestOpenDoesNotConnect: Open only parses; the client connects on first use.
func TestOpenDoesNotConnect(t *testing.T) {
	for _, url := range []string{
		"esdb://admin:changeit@127.0.0.1:1?tls=false",
		"esdb://db1:2113,db2:2113,db3:2113?tls=true&nodePreference=leader",
		"esdb+discover://cluster.example:2113?tlsVerifyCert=false&keepAliveInterval=10000",
	} {
		s, err := Open(url)
		if err != nil {
			t.Errorf("Open(%q): %v", url, err)
			continue
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}
