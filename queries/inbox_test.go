package queries_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel"
)

func TestInbox(t *testing.T) {
	f := newFixture(t, queriesDefaults)
	ctx := context.Background()
	id := uuid.New()
	for i := range 3 {
		n := readmodel.Notification{ID: uuid.New(), UserID: id, Kind: "top_up", Channel: "inbox", Subject: "Баланс пополнен",
			Body: "…", CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if err := f.store.AddNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	inbox, err := f.svc.Notifications(ctx, id, 2)
	if err != nil || len(inbox.Items) != 2 || !inbox.Items[0].CreatedAt.Equal(start.Add(2*time.Minute)) {
		t.Fatalf("inbox = %+v, %v; want the 2 newest, newest first", inbox, err)
	}
	_, err = f.svc.Notifications(ctx, id, 201)
	querytest.WantKind(t, err, domain.ErrInvalid)
}
