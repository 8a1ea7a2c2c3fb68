package notifications

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

// Lookup finds what an event does not carry: a rental's title, and the customer's
// notification channels as they are when the message is composed.
type Lookup interface {
	LoadRental(ctx context.Context, id uuid.UUID) (rental.State, error)
	User(ctx context.Context, id uuid.UUID) (user.State, error) // user.ErrNotFound if none
}

// Compose is the notification policy: the messages an event calls for (none for most).
// Each goes out on the channels the customer has chosen now, so a swap of channels
// applies to every message composed after it, as far as this shop has them configured
// (see channelsOf).
func Compose(ctx context.Context, lookup Lookup, configured []string, rec eventlog.Record, e domain.Event) ([]Message, error) {
	msg := func(userID uuid.UUID, kind, subject, body, short string) ([]Message, error) {
		channels, err := channelsOf(ctx, lookup, configured, userID)
		if err != nil {
			return nil, err
		}
		return []Message{{ID: messageID(rec.ID, kind), UserID: userID, Kind: kind, Subject: subject, Body: body,
			Short: clip(short, MaxShort), Channels: channels, SourceEventID: rec.ID, CreatedAt: rec.Metadata.OccurredAt}}, nil
	}
	title := func(id uuid.UUID) (string, error) {
		r, err := lookup.LoadRental(ctx, id)
		return r.Title, err
	}
	switch ev := e.(type) {
	case user.Registered:
		return msg(ev.UserID, KindWelcome, "Добро пожаловать в Шанс-видео",
			fmt.Sprintf("Здравствуйте, %s!\n\nВы зарегистрировались в Шанс-видео. Найдите премьеру, добавьте её в корзину и смотрите из дома в удобное время.\n", ev.FirstName),
			fmt.Sprintf("Шанс-видео: добро пожаловать, %s! Театральные премьеры онлайн — в каталоге", clip(ev.FirstName, maxShortName)))
	case account.FundsAdded:
		return msg(ev.UserID, KindFundsAdded, "Баланс пополнен на "+rub(ev.Amount),
			fmt.Sprintf("Баланс пополнен на %s.\nТекущий баланс: %s.\nНомер платежа: %s\n", rub(ev.Amount), rub(ev.BalanceAfter), ev.Payment),
			fmt.Sprintf("Шанс-видео: баланс пополнен на %s, теперь %s", rub(ev.Amount), rub(ev.BalanceAfter)))
	case account.FundsWithdrawn:
		if ev.Purpose.Kind != account.ForPremiere {
			return nil, nil // orders and term changes are told by the rental's own events
		}
		return msg(ev.UserID, KindWithdrawal, fmt.Sprintf("Списание %s за «%s»", rub(ev.Amount), ev.Purpose.Title),
			fmt.Sprintf("Со счёта списано %s за премьеру «%s» на %d ч.\nИспользуйте номер платежа %s, чтобы получить премьеру.\nОстаток на балансе: %s.\n",
				rub(ev.Amount), ev.Purpose.Title, ev.Purpose.Hours, ev.Payment, rub(ev.BalanceAfter)),
			fmt.Sprintf("Шанс-видео: списано %s за «%s» на %d ч, остаток %s", rub(ev.Amount), clip(ev.Purpose.Title, maxShortTitle), ev.Purpose.Hours, rub(ev.BalanceAfter)))
	case account.FundsRefunded:
		if ev.Purpose.Kind != account.ForCompensation {
			return nil, nil // cancellations and shortenings are told by the rental's events
		}
		return msg(ev.UserID, KindRefund, "Возврат "+rub(ev.Amount),
			fmt.Sprintf("Оплата не понадобилась: премьера уже была у вас или срок уже изменился.\nНа баланс возвращено %s. Баланс: %s.\n", rub(ev.Amount), rub(ev.BalanceAfter)),
			fmt.Sprintf("Шанс-видео: оплата не понадобилась, возвращено %s, баланс %s", rub(ev.Amount), rub(ev.BalanceAfter)))
	case account.PaymentDeclined:
		what, err := declinedFor(ev.Purpose, title)
		if err != nil {
			return nil, err
		}
		return msg(ev.UserID, KindDeclined, "Оплата не прошла: не хватает "+rub(ev.Amount-ev.Balance),
			fmt.Sprintf("Не удалось списать %s за %s: на балансе %s, не хватает %s.\nДеньги не списаны. Пополните баланс и повторите оплату.\nНомер платежа: %s\n",
				rub(ev.Amount), what, rub(ev.Balance), rub(ev.Amount-ev.Balance), ev.Payment),
			fmt.Sprintf("Шанс-видео: оплата %s не прошла, не хватает %s. Пополните баланс и повторите", rub(ev.Amount), rub(ev.Amount-ev.Balance)))
	case rental.Rented:
		return msg(ev.UserID, KindPurchase, fmt.Sprintf("Премьера «%s» оплачена", ev.Title),
			fmt.Sprintf("Спасибо за покупку!\n\nПремьера «%s» ждёт вас в разделе «Мои премьеры».\nСмотреть можно с %s до %s (%d ч).\nОплачено: %s.\n",
				ev.Title, when(ev.StartsAt), when(ev.EndsAt), ev.Hours, rub(ev.Price)),
			fmt.Sprintf("Шанс-видео: «%s» оплачена, смотреть с %s до %s МСК", clip(ev.Title, maxShortTitle), whenShort(ev.StartsAt), whenShort(ev.EndsAt)))
	case rental.TermChanged:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		money := "Доплачено: " + rub(ev.Delta)
		switch {
		case ev.Delta < 0:
			money = "Возвращено на баланс: " + rub(-ev.Delta)
		case ev.Delta == 0:
			money = "Стоимость не изменилась"
		}
		return msg(ev.UserID, KindTermChanged, fmt.Sprintf("Срок просмотра «%s» изменён", t),
			fmt.Sprintf("Новый срок просмотра премьеры «%s»: до %s (%d ч).\n%s.\n", t, when(ev.EndsAt), ev.Hours, money),
			fmt.Sprintf("Шанс-видео: «%s» — смотреть до %s МСК. %s", clip(t, maxShortTitle), whenShort(ev.EndsAt), money))
	case rental.Cancelled:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		if ev.Refund == 0 { // every hour paid for had started: nothing comes back, and no "0,00 ₽ returned"
			return msg(ev.UserID, KindCancelled, fmt.Sprintf("Аренда «%s» отменена", t),
				fmt.Sprintf("Аренда премьеры «%s» отменена.\nВозврата нет: все оплаченные часы уже начались.\n", t),
				fmt.Sprintf("Шанс-видео: аренда «%s» отменена, возврата нет", clip(t, maxShortTitle)))
		}
		return msg(ev.UserID, KindCancelled, fmt.Sprintf("Аренда «%s» отменена", t),
			fmt.Sprintf("Аренда премьеры «%s» отменена.\nНа баланс возвращено %s.\n", t, rub(ev.Refund)),
			fmt.Sprintf("Шанс-видео: аренда «%s» отменена, возвращено %s", clip(t, maxShortTitle), rub(ev.Refund)))
	case rental.ReminderDue:
		return msg(ev.UserID, KindReminder, fmt.Sprintf("Срок просмотра «%s» скоро закончится", ev.Title),
			fmt.Sprintf("Премьера «%s» доступна до %s.\nПродлить срок можно в разделе «Мои премьеры».\n", ev.Title, when(ev.EndsAt)),
			fmt.Sprintf("Шанс-видео: «%s» доступна до %s МСК. Продлить — в «Мои премьеры»", clip(ev.Title, maxShortTitle), whenShort(ev.EndsAt)))
	case rental.Expired:
		t, err := title(ev.RentalID)
		if err != nil {
			return nil, err
		}
		return msg(ev.UserID, KindExpired, fmt.Sprintf("Срок просмотра «%s» закончился", t),
			fmt.Sprintf("Срок просмотра премьеры «%s» закончился %s.\nСпасибо, что смотрите с Шанс-видео!\n", t, when(ev.EndsAt)),
			fmt.Sprintf("Шанс-видео: срок просмотра «%s» закончился. Спасибо, что смотрите!", clip(t, maxShortTitle)))
	}
	return nil, nil
}

// channelsOf are the channels a customer is told things on now: those they chose that
// the shop has configured (no sender runs for another). A customer whose every chosen
// outside channel was removed from the configuration is told by email (always
// configured) rather than in the inbox alone, where they would not look. A message for
// someone with no user (which no command writes) goes to the inbox alone rather than
// stalling the notifier: there is no address to send anything else to.
func channelsOf(ctx context.Context, lookup Lookup, configured []string, id uuid.UUID) ([]string, error) {
	u, err := lookup.User(ctx, id)
	if errors.Is(err, user.ErrNotFound) {
		return []string{ChannelInbox}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("channels of user %s: %w", id, err)
	}
	channels, choseOutside := []string{ChannelInbox}, false
	for _, c := range u.NotificationChannels() {
		if c == ChannelInbox {
			continue
		}
		choseOutside = true
		if slices.Contains(configured, c) {
			channels = append(channels, c)
		}
	}
	if len(channels) == 1 && choseOutside && slices.Contains(configured, ChannelEmail) {
		channels = append(channels, ChannelEmail)
	}
	return channels, nil
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
