package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/all"
)

func TestARebuildReservesAllItsReadModelsOrNone(t *testing.T) {
	r := &rebuilds{runner: projections.NewRunner(nil, nil, all.Projectors()...), busy: map[string]bool{}}
	names := r.Names()
	release, err := r.reserve(names[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.reserve(names); !errors.Is(err, httpapi.ErrRebuildInProgress) {
		t.Fatalf("all while %s is rebuilt: %v, want ErrRebuildInProgress", names[0], err)
	}
	other, err := r.reserve(names[1:])
	if err != nil {
		t.Fatalf("the others were left reserved by the refused request: %v", err)
	}
	if _, err := r.reserve([]string{"nothing_v1"}); !errors.Is(err, httpapi.ErrUnknownProjection) {
		t.Fatalf("unknown name: %v", err)
	}
	release()
	other()
	if again, err := r.reserve(names); err != nil {
		t.Fatalf("after release: %v", err)
	} else {
		again()
	}
}

type sqlState string

func (s sqlState) Error() string    { return "SQLSTATE " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

// A rebuild that met a deadlock or a serialization failure is tried again; any other
// failure is reported at once.
func TestTransactionConflictIsRetried(t *testing.T) {
	for err, want := range map[error]bool{
		fmt.Errorf("promote: %w", sqlState("40P01")): true,
		sqlState("40001"):       true,
		sqlState("23505"):       false,
		errors.New("disk full"): false,
	} {
		if got := transactionConflict(err); got != want {
			t.Errorf("transactionConflict(%v) = %v, want %v", err, got, want)
		}
	}
}
