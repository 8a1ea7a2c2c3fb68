package notifications

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

type rentals map[uuid.UUID]rental.State

func (r rentals) LoadRental(_ context.Context, id uuid.UUID) (rental.State, error) { return r[id], nil }

// User: everyone exists, with the default channels.
func (r rentals) User(_ context.Context, id uuid.UUID) (user.State, error) {
	return user.State{ID: id}, nil
}

// shop is a Lookup with rentals and users of their own choosing.
type shop struct {
	rentals
	users map[uuid.UUID]user.State
}

func (s shop) User(_ context.Context, id uuid.UUID) (user.State, error) {
	u, ok := s.users[id]
	if !ok {
		return user.State{}, user.ErrNotFound
	}
	return u, nil
}

func TestPolicy(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	userID, rentalID := uuid.New(), uuid.New()
	lookup := rentals{rentalID: {Title: "Маузер"}}
	cases := []struct {
		event   domain.Event
		kind    string
		mention []string // what the subject and body must say
		short   []string // what the short form must say
	}{
		{user.Registered{UserID: userID, FirstName: "Анна"}, KindWelcome, []string{"Анна", "Шанс-видео"}, []string{"Анна"}},
		{account.FundsAdded{UserID: userID, Amount: 123450, BalanceAfter: 200000}, KindFundsAdded, []string{"1\u00a0234,50\u00a0₽", "2\u00a0000,00\u00a0₽"}, []string{"1\u00a0234,50\u00a0₽", "2\u00a0000,00\u00a0₽"}},
		{account.FundsWithdrawn{UserID: userID, Amount: 48000, Purpose: account.Purpose{Kind: account.ForPremiere, Title: "Маузер", Hours: 48}}, KindWithdrawal, []string{"480,00", "«Маузер»", "48 ч"}, []string{"480,00", "«Маузер»"}},
		{rental.Rented{UserID: userID, RentalID: rentalID, Title: "Маузер", StartsAt: at, EndsAt: at.Add(48 * time.Hour), Hours: 48, Price: 48000},
			KindPurchase, []string{"«Маузер»", "30.11.2026 15:00 МСК", "02.12.2026 15:00 МСК", "480,00"}, []string{"«Маузер» оплачена, смотреть с 30.11 15:00 до 02.12 15:00 МСК"}},
		{rental.TermChanged{UserID: userID, RentalID: rentalID, Hours: 72, EndsAt: at.Add(72 * time.Hour), Delta: 24000}, KindTermChanged, []string{"«Маузер»", "Доплачено: 240,00"}, []string{"«Маузер»", "03.12 15:00", "Доплачено: 240,00"}},
		{rental.TermChanged{UserID: userID, RentalID: rentalID, Hours: 24, EndsAt: at.Add(24 * time.Hour), Delta: -24000}, KindTermChanged, []string{"Возвращено на баланс: 240,00"}, []string{"Возвращено на баланс: 240,00"}},
		{rental.Cancelled{UserID: userID, RentalID: rentalID, Refund: 10000}, KindCancelled, []string{"«Маузер»", "100,00"}, []string{"«Маузер»", "отменена", "100,00"}},
		{rental.Cancelled{UserID: userID, RentalID: rentalID}, KindCancelled, []string{"«Маузер»", "Возврата нет"}, []string{"«Маузер»", "отменена, возврата нет"}},
		{rental.TermChanged{UserID: userID, RentalID: rentalID, Hours: 25, EndsAt: at.Add(25 * time.Hour)}, KindTermChanged, []string{"Стоимость не изменилась"}, []string{"Стоимость не изменилась"}},
		{rental.ReminderDue{UserID: userID, RentalID: rentalID, Title: "Маузер", EndsAt: at}, KindReminder, []string{"«Маузер»", "скоро закончится"}, []string{"«Маузер» доступна до 30.11 15:00 МСК"}},
		{rental.Expired{UserID: userID, RentalID: rentalID, EndsAt: at}, KindExpired, []string{"«Маузер»", "закончился"}, []string{"«Маузер»", "закончился"}},
		{account.FundsRefunded{UserID: userID, Amount: 500, Purpose: account.Purpose{Kind: account.ForCompensation}}, KindRefund, []string{"5,00"}, []string{"5,00"}},
		{account.PaymentDeclined{UserID: userID, Payment: rentalID, Amount: 48000, Balance: 1000, Reason: account.DeclinedInsufficientFunds,
			Purpose: account.Purpose{Kind: account.ForOrder, Rentals: []account.RentalLine{{Title: "Маузер", Hours: 48, Price: 48000}}}},
			KindDeclined, []string{"Оплата не прошла", "«Маузер» на 48 ч", "480,00", "на балансе 10,00", "не хватает 470,00", "Деньги не списаны", rentalID.String()}, []string{"не прошла", "не хватает 470,00"}},
		{account.PaymentDeclined{UserID: userID, Amount: 24000, Balance: 0, Purpose: account.Purpose{Kind: account.ForTermChange, RentalID: rentalID, Hours: 72}},
			KindDeclined, []string{"продление просмотра «Маузер» до 72 ч", "240,00"}, []string{"240,00"}},
		{account.PaymentDeclined{UserID: userID, Amount: 60000, Balance: 0, Purpose: account.Purpose{Kind: account.ForOrder, Rentals: make([]account.RentalLine, 2)}},
			KindDeclined, []string{"заказ (премьер: 2)", "600,00"}, []string{"600,00"}},
		{account.PaymentDeclined{UserID: userID, Amount: 24000, Balance: 0, Purpose: account.Purpose{Kind: account.ForPremiere, Title: "Чайка", Hours: 24}},
			KindDeclined, []string{"«Чайка» на 24 ч"}, []string{"240,00"}},
	}
	for _, c := range cases {
		rec := eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: c.event.EventType(), Metadata: eventlog.Metadata{OccurredAt: at}}}
		if !composes[rec.Type] {
			t.Errorf("%s is not listed as composing", rec.Type)
		}
		msgs, err := Compose(context.Background(), lookup, everyChannel, rec, c.event)
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
		checkShort(t, m)
		for _, want := range c.short {
			if !strings.Contains(m.Short, want) {
				t.Errorf("%T: %q not in the short form %q", c.event, want, m.Short)
			}
		}
	}
}

// checkShort: every message has a short form for SMS and Telegram, in one or two
// lines, within MaxShort characters, naming the shop.
func checkShort(t *testing.T, m Message) {
	t.Helper()
	if n := utf8.RuneCountInString(m.Short); n == 0 || n > MaxShort || strings.Count(m.Short, "\n") > 1 || !strings.HasPrefix(m.Short, "Шанс-видео: ") {
		t.Errorf("%s: short form %q (%d characters)", m.Kind, m.Short, n)
	}
}

// A message goes out on the channels its customer has chosen when it is composed.
func TestPolicyFollowsTheCustomersChannels(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	def, inboxOnly, telegram, ghost := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	lookup := shop{rentals: rentals{}, users: map[uuid.UUID]user.State{
		def:       {ID: def},
		inboxOnly: {ID: inboxOnly, Channels: []string{ChannelInbox}},
		telegram:  {ID: telegram, Channels: []string{ChannelInbox, ChannelTelegram}, TelegramChatID: "42"},
	}}
	for id, want := range map[uuid.UUID][]string{
		def:       {ChannelInbox, ChannelEmail},
		inboxOnly: {ChannelInbox},
		telegram:  {ChannelInbox, ChannelTelegram},
		ghost:     {ChannelInbox}, // no user to send anything else to
	} {
		rec := eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Metadata: eventlog.Metadata{OccurredAt: at}}}
		msgs, err := Compose(context.Background(), lookup, everyChannel, rec, account.FundsAdded{UserID: id, Amount: 100, BalanceAfter: 100})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%s: %d messages, %v", id, len(msgs), err)
		}
		if got := msgs[0].Channels; !slices.Equal(got, want) {
			t.Errorf("channels %v, want %v", got, want)
		}
	}
}

// everyChannel: a shop with every channel configured.
var everyChannel = user.Channels()

// A channel removed from the configuration while customers still have it chosen: their
// messages go out on their other configured channels, and by email when none is left
// beyond the inbox, never to a channel no sender serves.
func TestPolicyKeepsToTheConfiguredChannels(t *testing.T) {
	configured := []string{ChannelInbox, ChannelEmail, ChannelTelegram} // sms removed
	smsOnly, smsAndTelegram, inboxOnly, def := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	lookup := shop{rentals: rentals{}, users: map[uuid.UUID]user.State{
		smsOnly:        {ID: smsOnly, Channels: []string{ChannelInbox, ChannelSMS}, Phone: "+79991234567"},
		smsAndTelegram: {ID: smsAndTelegram, Channels: []string{ChannelInbox, ChannelSMS, ChannelTelegram}, Phone: "+79991234567", TelegramChatID: "42"},
		inboxOnly:      {ID: inboxOnly, Channels: []string{ChannelInbox}},
		def:            {ID: def},
	}}
	for id, want := range map[uuid.UUID][]string{
		smsOnly:        {ChannelInbox, ChannelEmail}, // told by email rather than not at all
		smsAndTelegram: {ChannelInbox, ChannelTelegram},
		inboxOnly:      {ChannelInbox}, // their choice
		def:            {ChannelInbox, ChannelEmail},
	} {
		rec := eventlog.Record{EventData: eventlog.EventData{ID: uuid.New()}}
		msgs, err := Compose(context.Background(), lookup, configured, rec, account.FundsAdded{UserID: id, Amount: 100, BalanceAfter: 100})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%s: %d messages, %v", id, len(msgs), err)
		}
		if got := msgs[0].Channels; !slices.Equal(got, want) {
			t.Errorf("channels %v, want %v", got, want)
		}
	}
}

// A lookup that fails fails the composition: the notifier tries again rather than
// sending on channels it could not read.
func TestPolicyNeedsTheCustomersChannels(t *testing.T) {
	_, err := Compose(context.Background(), failingUsers{}, everyChannel, eventlog.Record{}, account.FundsAdded{UserID: uuid.New()})
	if !errors.Is(err, errStoreDown) {
		t.Fatalf("error %v, want the lookup's", err)
	}
}

var errStoreDown = errors.New("store down")

type failingUsers struct{ rentals }

func (failingUsers) User(context.Context, uuid.UUID) (user.State, error) {
	return user.State{}, errStoreDown
}

// The short form stays short whatever the titles and names.
func TestShortFormsStayShort(t *testing.T) {
	long := strings.Repeat("Очень длинное название ", 40)
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rentalID := uuid.New()
	lookup := rentals{rentalID: {Title: long}}
	for _, e := range []domain.Event{
		user.Registered{FirstName: strings.Repeat("Я", 100)},
		account.FundsWithdrawn{Amount: 1 << 50, BalanceAfter: 1 << 50, Purpose: account.Purpose{Kind: account.ForPremiere, Title: long, Hours: 720}},
		rental.Rented{Title: long, StartsAt: at, EndsAt: at},
		rental.TermChanged{RentalID: rentalID, EndsAt: at, Delta: 1 << 50},
		rental.Cancelled{RentalID: rentalID, Refund: 1 << 50},
		rental.ReminderDue{Title: long, EndsAt: at},
		rental.Expired{RentalID: rentalID, EndsAt: at},
		account.PaymentDeclined{Amount: 1 << 50, Purpose: account.Purpose{Kind: account.ForPremiere, Title: long}},
	} {
		msgs, err := Compose(context.Background(), lookup, everyChannel, eventlog.Record{}, e)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%T: %d messages, %v", e, len(msgs), err)
		}
		checkShort(t, msgs[0])
	}
}

func TestPolicyIsQuietAboutTheRest(t *testing.T) {
	quiet := []domain.Event{
		account.FundsWithdrawn{Purpose: account.Purpose{Kind: account.ForOrder}},
		account.FundsRefunded{Purpose: account.Purpose{Kind: account.ForCancellation}},
		user.TokenRevoked{},
	}
	for _, e := range quiet {
		msgs, err := Compose(context.Background(), rentals{}, everyChannel, eventlog.Record{}, e)
		if err != nil || len(msgs) != 0 {
			t.Errorf("%T: %d messages, %v", e, len(msgs), err)
		}
	}
}
