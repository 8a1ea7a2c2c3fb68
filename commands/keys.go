package commands

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
)

func hashKey(key string) keyHash {
	h := fnv.New128a()
	h.Write([]byte(key))
	var k keyHash
	h.Sum(k[:0])
	return k
}

// indexKeys adds records (in revision order) to a key index.
func indexKeys(keys keyIndex, records []eventlog.Record) keyIndex {
	for _, r := range records {
		if r.Metadata.IdempotencyKey == "" {
			continue
		}
		h := hashKey(r.Metadata.IdempotencyKey)
		span, ok := keys.Get(h)
		if !ok {
			span[0] = r.Revision
		}
		span[1] = r.Revision
		keys = keys.Set(h, span)
	}
	return keys
}

// priorOutcome finds the records (and their events) a stream holds for the request's
// key: through the key index, then read from the store, since the cache keeps no
// records. ErrKeyReused if one of them was written for another request.
func (s *Service) priorOutcome(ctx context.Context, stream string, keys keyIndex, req Request) ([]eventlog.Record, []domain.Event, error) {
	if req.Key == "" {
		return nil, nil, nil
	}
	span, ok := keys.Get(hashKey(req.Key))
	if !ok {
		return nil, nil, nil
	}
	records, err := s.readSpan(ctx, stream, span)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s from %d: %w", stream, span[0], err)
	}
	var prior []eventlog.Record
	for _, r := range records {
		if r.Revision > span[1] {
			break
		}
		if r.Metadata.IdempotencyKey != req.Key {
			continue // another key of the same hash, or of the same span
		}
		if r.Metadata.Fingerprint != req.Fingerprint {
			return nil, nil, fmt.Errorf("%s: %w", stream, ErrKeyReused)
		}
		prior = append(prior, r)
	}
	events, err := s.decodeAll(prior)
	return prior, events, err
}

// rangeReader is a store that can read a stream's revisions from..to alone (the
// SQLite and PostgreSQL stores); the others are read from span[0] to the head.
type rangeReader interface {
	ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error)
}

// readSpan reads the records of a key's span, and not the rest of the stream when the
// store can stop there.
func (s *Service) readSpan(ctx context.Context, stream string, span keySpan) ([]eventlog.Record, error) {
	if r, ok := s.store.(rangeReader); ok {
		return r.ReadStreamRange(ctx, stream, span[0], span[1])
	}
	return s.store.ReadStream(ctx, stream, span[0])
}
