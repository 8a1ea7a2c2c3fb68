package readsqlite

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readstoretest"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// TestWalkPagesMatchSortedPages: a broad search in an order of the premieres' own walks
// that order's index (probing the text index row by row, or looking rows up in the set
// of matches); its pages are the ones sorting every match gives.
func TestWalkPagesMatchSortedPages(t *testing.T) {
	ctx := context.Background()
	s := openIn(t, t.TempDir())
	const n = 7000 // a quarter mention the theatre, a fifth have Иванов: more matches than catalogue.CountBound
	err := projections.Update(ctx, s, catalogue.Name, eventlog.Position{Commit: 1, Prepare: 1}, func(tx catalogue.Writes) error {
		rng := rand.New(rand.NewPCG(5, 6))
		for i := range n {
			if err := tx.PutPremiere(ctx, readstoretest.GeneratedPremiere(rng, i, n)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	common := readstoretest.CommonTerm
	for _, q := range []catalogue.SearchQuery{
		{Text: common, Sort: catalogue.SortPriceAsc},                           // probed
		{Text: common, Sort: catalogue.SortPriceAsc, Page: 3},                  // probed
		{Text: common, Sort: catalogue.SortPriceDesc, Limit: 100},              // probed, then a set: 256 rows hold ~64 matches
		{Text: common, Sort: catalogue.SortPriceAsc, Limit: 100, Page: 2},      // a set at once
		{Text: common, Sort: catalogue.SortDiscount, Limit: 7, Page: 4},        // probed
		{Text: common, Sort: catalogue.SortTitle, MinPrice: 1000},              // probed
		{Text: common + " ба", Sort: catalogue.SortPriceAsc},                   // a short word too
		{Actor: readstoretest.CommonName, Sort: catalogue.SortPriceDesc},       // the actor alone: no probes
		{Actor: readstoretest.CommonName, Sort: catalogue.SortTitle, Page: 30}, // a set
	} {
		pl, err := planSearch(q, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, release, err := s.serving(catalogue.Name)
		if err != nil {
			t.Fatal(err)
		}
		rtx, err := g.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := pl.run(ctx, rtx)
		if err != nil {
			t.Fatal(err)
		}
		from, args := pl.from()
		sorted, err := seqs(ctx, rtx, `SELECT `+pl.seq()+` `+from+` ORDER BY `+pl.orderBy+` LIMIT ? OFFSET ?`, with(args, pl.limit, pl.offset)...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := premieresBySeq(ctx, rtx, sorted)
		rtx.Rollback() //nolint:errcheck // read only
		release()
		if err != nil {
			t.Fatal(err)
		}
		if !res.Capped {
			t.Errorf("%+v: %d matches, not more than %d: not walked", q, res.Total, catalogue.CountBound)
		}
		if len(want) == 0 || !slices.Equal(ids(res.Items), ids(want)) {
			t.Errorf("%+v: walked %v, sorted %v", q, ids(res.Items), ids(want))
		}
	}
}

func ids(ps []catalogue.Premiere) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID.String()
	}
	return out
}
