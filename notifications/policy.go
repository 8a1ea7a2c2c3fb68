package notifications

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

// Lookup finds what an event does not carry (a rental's title).
type Lookup interface {
	LoadRental(ctx context.Context, id uuid.UUID) (rental.State, error)
}

// defaultChannels: every customer gets the inbox and email until preferences exist.
var defaultChannels = []string{ChannelInbox, ChannelEmail}

// Compose is the notification policy: the messages an event calls for (none for most).
func Compose(ctx context.Context, lookup Lookup, rec eventlog.Record, e domain.Event) ([]Message, error) {
	msg := func(userID uuid.UUID, kind, subject, body string) []Message {
		return []Message{{ID: messageID(rec.ID, kind), UserID: userID, Kind: kind, Subject: subject, Body: body,
			Channels: defaultChannels, SourceEventID: rec.ID, CreatedAt: rec.Metadata.OccurredAt}}
	}
	title := func(id uuid.UUID) (string, error) {
		r, err := lookup.LoadRental(ctx, id)
		return r.Title, err
	}
	switch ev := e.(type) {
	case user.Registered:
		return msg(ev.UserID, KindWelcome, "Добро пожаловать в Шанс-видео",
			fmt.Sprintf("Здравствуйте, %s!\n\nВы зарегистрировались в Шанс-видео. Найдите премьеру, добавьте её в корзину и смотрите из дома в удобное время.\n", ev.FirstName)), nil
	case account.FundsAdded:
		return msg(ev.UserID, KindFundsAdded, "Баланс пополнен на "+rub(ev.Amount),
			fmt.Sprintf("Баланс пополнен на %s.\nТекущий баланс: %s.\nНомер платежа: %s\n", rub(ev.Amount), rub(ev.BalanceAfter), ev.Payment)), nil
	case account.FundsWithdrawn:
		if ev.Purpose.Kind != account.ForPremiere {
			return nil, nil // orders and term changes are told by the rental's own events
		}
		return msg(ev.UserID, KindWithdrawal, fmt.Sprintf("Списание %s за «%s»", rub(ev.Amount), ev.Purpose.Title),
			fmt.Sprintf("Со счёта списано %s за премьеру «%s» на %d ч.\nИспользуйте номер платежа %s, чтобы получить премьеру.\nОстаток на балансе: %s.\n",
				rub(ev.Amount), ev.Purpose.Title, ev.Purpose.Hours, ev.Payment, rub(ev.BalanceAfter))), nil
	case account.FundsRefunded:
		if ev.Purpose.Kind != account.ForCompensation {
			return nil, nil // cancellations and shortenings are told by the rental's events
		}
		return msg(ev.UserID, KindRefund, "Возврат "+rub(ev.Amount),
			fmt.Sprintf("Оплата не понадобилась: премьера уже была у вас или срок уже изменился.\nНа баланс возвращено %s. Баланс: %s.\n", rub(ev.Amount), rub(ev.BalanceAfter))), nil
	case account.PaymentDeclined:
		what, err := declinedFor(ev.Purpose, title)
		if err != nil {
			return nil, err
		}
		return msg(ev.UserID, KindDeclined, "Оплата не прошла: не хватает "+rub(ev.Amount-ev.Balance),
			fmt.Sprintf("Не удалось списать %s за %s: на балансе %s, не хватает %s.\nДеньги не списаны. Пополните баланс и повторите оплату.\nНомер платежа: %s\n",
				rub(ev.Amount), what, rub(ev.Balance), rub(ev.Amount-ev.Balance), ev.Payment)), nil
	case rental.Rented:
		return msg(ev.UserID, KindPurchase, fmt.Sprintf("Премьера «%s» оплачена", ev.Title),
			fmt.Sprintf("Спасибо за покупку!\n\nПремьера «%s» ждёт вас в разделе «Мои премьеры».\nСмотреть можно с %s до %s (%d ч).\nОплачено: %s.\n",
				ev.Title, when(ev.StartsAt), when(ev.EndsAt), ev.Hours, rub(ev.Price))), nil
	case rental.TermChanged:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		money := "Доплачено: " + rub(ev.Delta)
		if ev.Delta < 0 {
			money = "Возвращено на баланс: " + rub(-ev.Delta)
		}
		return msg(ev.UserID, KindTermChanged, fmt.Sprintf("Срок просмотра «%s» изменён", t),
			fmt.Sprintf("Новый срок просмотра премьеры «%s»: до %s (%d ч).\n%s.\n", t, when(ev.EndsAt), ev.Hours, money)), nil
	case rental.Cancelled:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		return msg(ev.UserID, KindCancelled, fmt.Sprintf("Аренда «%s» отменена", t),
			fmt.Sprintf("Аренда премьеры «%s» отменена.\nНа баланс возвращено %s.\n", t, rub(ev.Refund))), nil
	case rental.ReminderDue:
		return msg(ev.UserID, KindReminder, fmt.Sprintf("Срок просмотра «%s» скоро закончится", ev.Title),
			fmt.Sprintf("Премьера «%s» доступна до %s.\nПродлить срок можно в разделе «Мои премьеры».\n", ev.Title, when(ev.EndsAt))), nil
	case rental.Expired:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		return msg(ev.UserID, KindExpired, fmt.Sprintf("Срок просмотра «%s» закончился", t),
			fmt.Sprintf("Срок просмотра премьеры «%s» закончился %s.\nСпасибо, что смотрите с Шанс-видео!\n", t, when(ev.EndsAt))), nil
	}
	return nil, nil
}

// composes is every event type the policy may turn into a message.
var composes = func() map[string]bool {
	types := map[string]bool{}
	for _, e := range []domain.Event{user.Registered{}, account.FundsAdded{}, account.FundsWithdrawn{}, account.FundsRefunded{},
		account.PaymentDeclined{}, rental.Rented{}, rental.TermChanged{}, rental.Cancelled{}, rental.ReminderDue{}, rental.Expired{}} {
		types[e.EventType()] = true
	}
	return types
}()

// declinedFor names what a declined debit was to pay for, as the customer knows it.
func declinedFor(p account.Purpose, title func(uuid.UUID) (string, error)) (string, error) {
	switch {
	case p.Kind == account.ForPremiere:
		return fmt.Sprintf("премьеру «%s» на %d ч", p.Title, p.Hours), nil
	case p.Kind == account.ForOrder && len(p.Rentals) == 1:
		return fmt.Sprintf("премьеру «%s» на %d ч", p.Rentals[0].Title, p.Rentals[0].Hours), nil
	case p.Kind == account.ForOrder:
		return fmt.Sprintf("заказ (премьер: %d)", len(p.Rentals)), nil
	case p.Kind == account.ForTermChange:
		t, err := title(p.RentalID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("продление просмотра «%s» до %d ч", t, p.Hours), nil
	}
	return "оплату", nil
}
