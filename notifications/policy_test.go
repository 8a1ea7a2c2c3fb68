package notifications

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

type rentals map[uuid.UUID]rental.State

func (r rentals) LoadRental(_ context.Context, id uuid.UUID) (rental.State, error) { return r[id], nil }

func TestPolicy(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	userID, rentalID := uuid.New(), uuid.New()
	lookup := rentals{rentalID: {Title: "Маузер"}}
	cases := []struct {
		event   domain.Event
		kind    string
		mention []string // what the subject and body must say
	}{
		{user.Registered{UserID: userID, FirstName: "Анна"}, KindWelcome, []string{"Анна", "Шанс-видео"}},
		{account.FundsAdded{UserID: userID, Amount: 123450, BalanceAfter: 200000}, KindFundsAdded, []string{"1\u00a0234,50\u00a0₽", "2\u00a0000,00\u00a0₽"}},
		{account.FundsWithdrawn{UserID: userID, Amount: 48000, Purpose: account.Purpose{Kind: account.ForPremiere, Title: "Маузер", Hours: 48}}, KindWithdrawal, []string{"480,00", "«Маузер»", "48 ч"}},
		{rental.Rented{UserID: userID, RentalID: rentalID, Title: "Маузер", StartsAt: at, EndsAt: at.Add(48 * time.Hour), Hours: 48, Price: 48000},
			KindPurchase, []string{"«Маузер»", "30.11.2026 15:00 МСК", "02.12.2026 15:00 МСК", "480,00"}},
		{rental.TermChanged{UserID: userID, RentalID: rentalID, Hours: 72, EndsAt: at.Add(72 * time.Hour), Delta: 24000}, KindTermChanged, []string{"«Маузер»", "Доплачено: 240,00"}},
		{rental.TermChanged{UserID: userID, RentalID: rentalID, Hours: 24, EndsAt: at.Add(24 * time.Hour), Delta: -24000}, KindTermChanged, []string{"Возвращено на баланс: 240,00"}},
		{rental.Cancelled{UserID: userID, RentalID: rentalID, Refund: 10000}, KindCancelled, []string{"«Маузер»", "100,00"}},
		{rental.ReminderDue{UserID: userID, RentalID: rentalID, Title: "Маузер", EndsAt: at}, KindReminder, []string{"«Маузер»", "скоро закончится"}},
		{rental.Expired{UserID: userID, RentalID: rentalID, EndsAt: at}, KindExpired, []string{"«Маузер»", "закончился"}},
		{account.FundsRefunded{UserID: userID, Amount: 500, Purpose: account.Purpose{Kind: account.ForCompensation}}, KindRefund, []string{"5,00"}},
		{account.PaymentDeclined{UserID: userID, Payment: rentalID, Amount: 48000, Balance: 1000, Reason: account.DeclinedInsufficientFunds,
			Purpose: account.Purpose{Kind: account.ForOrder, Rentals: []account.RentalLine{{Title: "Маузер", Hours: 48, Price: 48000}}}},
			KindDeclined, []string{"Оплата не прошла", "«Маузер» на 48 ч", "480,00", "на балансе 10,00", "не хватает 470,00", "Деньги не списаны", rentalID.String()}},
		{account.PaymentDeclined{UserID: userID, Amount: 24000, Balance: 0, Purpose: account.Purpose{Kind: account.ForTermChange, RentalID: rentalID, Hours: 72}},
			KindDeclined, []string{"продление просмотра «Маузер» до 72 ч", "240,00"}},
		{account.PaymentDeclined{UserID: userID, Amount: 60000, Balance: 0, Purpose: account.Purpose{Kind: account.ForOrder, Rentals: make([]account.RentalLine, 2)}},
			KindDeclined, []string{"заказ (премьер: 2)", "600,00"}},
		{account.PaymentDeclined{UserID: userID, Amount: 24000, Balance: 0, Purpose: account.Purpose{Kind: account.ForPremiere, Title: "Чайка", Hours: 24}},
			KindDeclined, []string{"«Чайка» на 24 ч"}},
	}
	for _, c := range cases {
		rec := eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: c.event.EventType(), Metadata: eventlog.Metadata{OccurredAt: at}}}
		if !composes[rec.Type] {
			t.Errorf("%s is not listed as composing", rec.Type)
		}
		msgs, err := Compose(context.Background(), lookup, rec, c.event)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%T: %d messages, %v", c.event, len(msgs), err)
		}
		m := msgs[0]
		if m.Kind != c.kind || m.UserID != userID || m.ID != messageID(rec.ID, c.kind) || !m.For(ChannelEmail) || !m.For(ChannelInbox) {
			t.Errorf("%T: message %+v", c.event, m)
		}
		for _, want := range c.mention {
			if !strings.Contains(m.Subject+"\n"+m.Body, want) {
				t.Errorf("%T: %q not mentioned in %q / %q", c.event, want, m.Subject, m.Body)
			}
		}
	}
}

func TestPolicyIsQuietAboutTheRest(t *testing.T) {
	quiet := []domain.Event{
		account.FundsWithdrawn{Purpose: account.Purpose{Kind: account.ForOrder}},
		account.FundsRefunded{Purpose: account.Purpose{Kind: account.ForCancellation}},
		user.TokenRevoked{},
	}
	for _, e := range quiet {
		msgs, err := Compose(context.Background(), rentals{}, eventlog.Record{}, e)
		if err != nil || len(msgs) != 0 {
			t.Errorf("%T: %d messages, %v", e, len(msgs), err)
		}
	}
}
