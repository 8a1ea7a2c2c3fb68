package observe

import "context"

// ids are the request's and the flow's ids that every log line written on their
// behalf carries (see LogHandler).
type ids struct {
	request, correlation string
}

type idsKey struct{}

// WithRequestID marks ctx as handling the HTTP request id. The request id is also
// the correlation id of the commands it runs.
func WithRequestID(ctx context.Context, id string) context.Context {
	cur, _ := ctx.Value(idsKey{}).(ids)
	cur.request = id
	if cur.correlation == "" {
		cur.correlation = id
	}
	return context.WithValue(ctx, idsKey{}, cur)
}

// withCorrelation marks ctx as working for the flow id (a message's correlation id).
func withCorrelation(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	cur, _ := ctx.Value(idsKey{}).(ids)
	cur.correlation = id
	return context.WithValue(ctx, idsKey{}, cur)
}

func idsOf(ctx context.Context) ids {
	if ctx == nil {
		return ids{}
	}
	v, _ := ctx.Value(idsKey{}).(ids)
	return v
}
