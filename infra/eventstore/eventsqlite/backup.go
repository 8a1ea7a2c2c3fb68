package eventsqlite

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/infra/backup"
)

// BackupTo writes a consistent copy of the log to the file dest (which must not exist)
// while appends go on: the log as one commit left it.
func (s *Store) BackupTo(ctx context.Context, dest string) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("back up the log: %w", err)
	}
	var path string
	if err := s.readDB.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		return fmt.Errorf("back up the log: its file: %w", err)
	}
	return backup.VacuumInto(ctx, path, dest)
}
