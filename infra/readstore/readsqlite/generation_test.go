package readsqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/users"
)

func exists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Stat(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

func putTitle(t *testing.T, st projections.Store, reached uint64, title string) uuid.UUID {
	t.Helper()
	id := uuid.New()
	err := projections.Update(t.Context(), st, catalogue.Name, eventlog.Position{Commit: reached, Prepare: reached}, func(tx catalogue.Writes) error {
		return tx.PutPremiere(t.Context(), catalogue.Premiere{ID: id, Title: title, OnSale: true,
			Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPromoteAndDiscardDeleteFiles(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	putTitle(t, s, 1, "Первое поколение")
	first := filepath.Join(dir, generationFile(catalogue.Name, 1))

	sh, err := s.Shadow(t.Context(), catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, generationFile(catalogue.Name, 2))
	if !exists(t, second) {
		t.Fatal("a shadow has no file")
	}
	if _, err := s.Shadow(t.Context(), catalogue.Name); !errors.Is(err, projections.ErrRebuildInProgress) {
		t.Errorf("a second shadow of one projection: %v, want projections.ErrRebuildInProgress", err)
	}
	putTitle(t, sh, 1, "Второе поколение")
	if err := sh.Promote(t.Context()); err != nil {
		t.Fatal(err)
	}
	if exists(t, first) || exists(t, first+"-wal") {
		t.Error("the old generation's files outlived the promote")
	}
	m, err := readManifest(dir)
	if err != nil || m.Generations[catalogue.Name] != 2 {
		t.Errorf("manifest after promote: %+v, %v", m, err)
	}

	third, err := s.Shadow(t.Context(), catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := third.Discard(t.Context()); err != nil {
		t.Fatal(err)
	}
	if exists(t, filepath.Join(dir, generationFile(catalogue.Name, 3))) {
		t.Error("a discarded shadow's file is still there")
	}
	if err := third.Discard(t.Context()); !errors.Is(err, projections.ErrShadowDone) {
		t.Errorf("discarding twice: %v, want projections.ErrShadowDone", err)
	}
}

func TestCloseDiscardsShadowsAndRefusesCalls(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	sh, err := s.Shadow(t.Context(), users.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(t, filepath.Join(dir, generationFile(users.Name, 2))) {
		t.Error("Close left a shadow's file behind")
	}
	if err := sh.Promote(t.Context()); err == nil {
		t.Error("a shadow was promoted after Close")
	}
	if _, err := s.Balance(t.Context(), uuid.New()); !errors.Is(err, ErrClosed) {
		t.Errorf("a read after Close: %v, want ErrClosed", err)
	}
	if err := s.Update(t.Context(), ledger.Name, eventlog.Position{}, func(projections.Writes) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("an update after Close: %v, want ErrClosed", err)
	}
	if err := s.AddNotification(t.Context(), readmodel.Notification{ID: uuid.New()}); !errors.Is(err, ErrClosed) {
		t.Errorf("a notification after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestUnknownProjection(t *testing.T) {
	s := openIn(t, t.TempDir())
	if _, err := s.Checkpoint(t.Context(), "catalogue_v0"); !errors.Is(err, projections.ErrUnknownProjection) {
		t.Errorf("checkpoint: %v", err)
	}
	if err := s.Update(t.Context(), "nope", eventlog.Position{}, func(projections.Writes) error { return nil }); !errors.Is(err, projections.ErrUnknownProjection) {
		t.Errorf("update: %v", err)
	}
	if _, err := s.Shadow(t.Context(), "nope"); !errors.Is(err, projections.ErrUnknownProjection) {
		t.Errorf("shadow: %v", err)
	}
}

func TestDurabilitySettings(t *testing.T) {
	s := openIn(t, t.TempDir())
	check := func(name string, p *slot, want int) {
		g, release, err := p.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		f := g.file
		var mode string
		var sync int
		if err := f.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := f.write.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != want {
			t.Errorf("%s: journal_mode %s synchronous %d, want wal and %d", name, mode, sync, want)
		}
	}
	for _, name := range projectionNames() {
		check(name, s.projections[name].Projection, 1) // NORMAL: rebuildable
	}
	check("inbox", s.inbox, 2) // FULL: not rebuildable
}

// Reads running through a promote see the old rows or the new, never an error. Run with
// -race, this also checks the handover of the generation pointer.
func TestReadsDuringPromote(t *testing.T) {
	s := openIn(t, t.TempDir())
	putTitle(t, s, 1, "Старое")
	sh, err := s.Shadow(t.Context(), catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	putTitle(t, sh, 1, "Новое")

	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	started := make(chan struct{}, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				res, err := s.Search(ctx, catalogue.SearchQuery{})
				if i == 0 {
					started <- struct{}{}
				}
				if ctx.Err() != nil {
					return
				}
				if err == nil && res.Total != 1 {
					err = errors.New("a search saw neither generation whole")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 4 {
		<-started
	}
	if err := sh.Promote(t.Context()); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(t.Context(), catalogue.SearchQuery{Text: "новое"})
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err != nil || res.Total != 1 {
		t.Errorf("after promote: %+v, %v", res, err)
	}
}

// A shadow commits without syncing while it is built (nothing reads it, and a crash
// deletes it); once promoted it serves with synchronous=NORMAL and its WAL checkpointed
// into the file.
func TestShadowSyncsOnlyOncePromoted(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	sh, err := s.Shadow(t.Context(), catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	putTitle(t, sh, 1, "Теневое поколение")
	var building int
	err = sh.Update(t.Context(), catalogue.Name, eventlog.Position{Commit: 2, Prepare: 2}, func(w projections.Writes) error {
		return w.(catalogueWrites).t.sql.QueryRowContext(t.Context(), `PRAGMA synchronous`).Scan(&building)
	})
	if err != nil {
		t.Fatal(err)
	}
	if building != 0 {
		t.Errorf("shadow being built: synchronous %d, want 0 (OFF)", building)
	}
	if err := sh.Promote(t.Context()); err != nil {
		t.Fatal(err)
	}
	g, release, err := s.projections[catalogue.Name].Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var serving int
	if err := g.write.QueryRow(`PRAGMA synchronous`).Scan(&serving); err != nil {
		t.Fatal(err)
	}
	if serving != 1 {
		t.Errorf("promoted shadow: synchronous %d, want 1 (NORMAL)", serving)
	}
	if info, err := os.Stat(g.path + "-wal"); err == nil && info.Size() != 0 {
		t.Errorf("promoted shadow's WAL holds %d bytes, want it checkpointed into the file", info.Size())
	}
}
