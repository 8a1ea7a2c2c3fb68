package app

import (
	"errors"
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
