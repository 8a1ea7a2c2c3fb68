package catalogue_test

import (
	"testing"

	"github.com/chance-video/chance/readmodel/catalogue"
)

func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		q             catalogue.SearchQuery
		limit, offset int
	}{
		{catalogue.SearchQuery{}, catalogue.DefaultSearchLimit, 0},
		{catalogue.SearchQuery{Limit: 5, Page: 3}, 5, 10},
		{catalogue.SearchQuery{Limit: 1000, Page: 2}, catalogue.MaxSearchLimit, catalogue.MaxSearchLimit},
		{catalogue.SearchQuery{Limit: -1, Page: -4}, catalogue.DefaultSearchLimit, 0},
	} {
		if limit, offset := tc.q.Window(); limit != tc.limit || offset != tc.offset {
			t.Errorf("%+v: window %d+%d, want %d+%d", tc.q, offset, limit, tc.offset, tc.limit)
		}
	}
}
