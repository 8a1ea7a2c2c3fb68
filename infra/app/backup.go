package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/backup"
	"github.com/chance-video/chance/infra/config"
)

// backupSource is a store that can copy itself consistently while it serves.
type backupSource interface {
	BackupTo(ctx context.Context, dest string) error
}

// ErrNotEmbedded: a backup of the data folder covers the embedded stores only.
var ErrNotEmbedded = errors.New("chance backup copies the embedded data folder (CHANCE_EVENTSTORE=sqlite, CHANCE_READSTORE=sqlite); back up PostgreSQL with pg_dump and KurrentDB with its own backup")

// Backup writes a consistent copy of the data folder into the new folder dest (an
// absolute path) while the shop serves, and says what it copied. Followers of the log
// are copied before the log (see package backup): the checkpoints, the signing key
// and written emails, the read models with their checkpoints, then the log. The
// command snapshots (snapshots.db) are left out: they are a cache of the log, and ones
// of a later history must not come back beside an older log.
func (a *App) Backup(ctx context.Context, dest string) (string, error) {
	if a.Config.EventStore != config.SQLite || a.Config.ReadStore != config.SQLite {
		return "", ErrNotEmbedded
	}
	if !filepath.IsAbs(dest) {
		return "", fmt.Errorf("backup %s: the destination must be an absolute path", dest)
	}
	events, ok := a.Events.(backupSource)
	reads, ok2 := a.Reads.(backupSource)
	if !ok || !ok2 {
		return "", ErrNotEmbedded
	}
	started := time.Now()
	cfg := a.Config
	m := &backup.Manifest{CreatedAt: a.Clock.Now().UTC()}
	err := backup.Create(ctx, dest, m,
		backup.Part{Name: filepath.Base(cfg.CheckpointDir()), Write: func(_ context.Context, to string) error {
			return backup.CopyTree(cfg.CheckpointDir(), to)
		}},
		backup.Part{Name: auth.KeyFileName, Write: func(_ context.Context, to string) error {
			return backup.CopyFile(filepath.Join(cfg.DataDir, auth.KeyFileName), to)
		}},
		backup.Part{Name: filepath.Base(cfg.MailDir()), Write: func(_ context.Context, to string) error {
			return backup.CopyTree(cfg.MailDir(), to)
		}},
		backup.Part{Name: filepath.Base(cfg.ReadDir()), Write: reads.BackupTo},
		backup.Part{Name: filepath.Base(cfg.EventsPath()), Write: func(ctx context.Context, to string) error {
			pos, err := a.Events.Head(ctx)
			m.LogHead = pos.String()
			return errors.Join(err, events.BackupTo(ctx, to))
		}},
	)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("backed up %s into %s in %s: %s; the log up to at least %s",
		cfg.DataDir, dest, time.Since(started).Round(time.Millisecond),
		strings.Join([]string{"checkpoints", auth.KeyFileName, "mail", "read models", "log"}, ", "), m.LogHead), nil
}
