package app_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/infra/senders/smtptest"
	"github.com/chance-video/chance/notifications"
)

const (
	e2eMailFrom = "Шанс-видео <noreply@shop.example.ru>"
	e2eBotToken = "123456:test-bot_token"
	e2eChatID   = "987654321"
)

// onKafkaWithChannels configures the shop as an operator would: CHANCE_BUS=kafka with
// the broker, CHANCE_SMTP_URL and CHANCE_MAIL_FROM, the Telegram bot settings.
func onKafkaWithChannels(broker *kafkatest.Broker, mx *smtptest.Server, tg *telegramServer) backend {
	return func(_ *testing.T, cfg *config.Config) {
		cfg.Bus, cfg.KafkaBrokers, cfg.KafkaPartitions = config.Kafka, broker.Brokers(), 3
		cfg.SMTPURL, cfg.MailFrom = "smtp://"+mx.Addr+"?tls=none", e2eMailFrom
		cfg.TelegramBotToken, cfg.TelegramAPIURL = e2eBotToken, tg.URL
	}
}

// telegramTexts is the text of every message the Bot API was asked to send, each
// checked to have gone to the customer's chat through the configured bot.
func telegramTexts(t *testing.T, tg *telegramServer) []string {
	t.Helper()
	var out []string
	for _, m := range tg.received() {
		if m.Path != "/bot"+e2eBotToken+"/sendMessage" || m.ChatID != e2eChatID {
			t.Fatalf("telegram message to chat %q at %s", m.ChatID, m.Path)
		}
		out = append(out, m.Text)
	}
	return out
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func prefixed(prefix string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, prefix) }
}

func (sh *shop) userID(email string) uuid.UUID {
	sh.t.Helper()
	u, err := sh.app.Commands.Lookup().UserByEmail(context.Background(), email)
	if err != nil {
		sh.t.Fatal(err)
	}
	return u.ID
}

// receivedEmail is an email the SMTP server accepted, decoded.
type receivedEmail struct {
	from, subject, body, messageID string
}

// mailbox is every email the server accepted for to, in order.
func mailbox(t *testing.T, mx *smtptest.Server, to string) []receivedEmail {
	t.Helper()
	var out []receivedEmail
	for _, e := range mx.Received() {
		if !slices.Equal(e.To, []string{to}) {
			continue
		}
		d := e.Decode(t)
		out = append(out, receivedEmail{from: e.From, subject: d.Subject, body: d.Body, messageID: d.Header.Get("Message-Id")})
	}
	return out
}

func subjects(emails []receivedEmail) []string {
	out := make([]string, len(emails))
	for i, e := range emails {
		out[i] = e.subject
	}
	return out
}

// inboxItems is the customer's inbox: kind → the items of that kind.
func (sh *shop) inboxItems(token string) map[string][]map[string]any {
	sh.t.Helper()
	out := map[string][]map[string]any{}
	for _, it := range sh.expect(http.StatusOK, call{method: "GET", path: "/notifications?limit=100", token: token})["items"].([]any) {
		item := it.(map[string]any)
		out[item["kind"].(string)] = append(out[item["kind"].(string)], item)
	}
	return out
}

// history is the customer's billing history as "kind amount" lines, in order.
func (sh *shop) history(token string) []string {
	sh.t.Helper()
	var out []string
	for _, it := range sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history?limit=1000", token: token})["items"].([]any) {
		line := it.(map[string]any)
		out = append(out, fmt.Sprint(line["kind"], " ", num(line["amount"])))
	}
	return out
}

func kindCounts(items map[string][]map[string]any) map[string]int {
	out := map[string]int{}
	for k, v := range items {
		out[k] = len(v)
	}
	return out
}

// The journey with CHANCE_BUS=kafka (an in-process Kafka-protocol broker
// through the real client), email over a real SMTP server and a Telegram Bot API on a
// local port: a purchase is emailed, so is the reminder the scheduler issues once the
// clock moves; after the customer swaps to inbox and Telegram, the next messages
// arrive on Telegram and in the inbox only; the billing history, fed through Kafka,
// has every line. Each message arrives exactly once.
func TestJourneyOnKafkaEmailsThenSwapsToTelegram(t *testing.T) {
	broker, mx, tg, seen := kafkatest.Start(t), smtptest.Start(t, smtptest.Options{}), startTelegram(t), newDeliveries()
	sh := newShopWith(t, onKafkaWithChannels(broker, mx, tg), seen.watch)
	ctx := context.Background()
	premiere := sh.publish(1)[0]
	token := sh.signUp("vera@example.ru")
	vera := sh.userID("vera@example.ru")
	if want := []string{senders.InboxHandler, senders.EmailHandler, senders.TelegramHandler}; !slices.Equal(seen.senders, want) {
		t.Fatalf("senders %v, want %v", seen.senders, want)
	}

	// A purchase → an email over SMTP.
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-1", body: map[string]any{"summ": 100_000}})
	rental := sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "rent-1",
		body: map[string]any{"id": premiere, "period": 4}})["rental_id"].(string)
	seen.await(t, vera, map[string]int{notifications.KindWelcome: 1, notifications.KindFundsAdded: 1, notifications.KindPurchase: 1})
	got := mailbox(t, mx, "vera@example.ru")
	want := []string{"Добро пожаловать в Шанс-видео", "Баланс пополнен на 1\u00a0000,00\u00a0₽", // no-break spaces, as rub writes them
		"Премьера «Премьера 0» оплачена"}
	if !sameSet(subjects(got), want) { // in any order: the three come from three event categories
		t.Fatalf("emails to vera after the purchase: %q; want %q", subjects(got), want)
	}
	inbox := sh.inboxItems(token)
	purchase := got[slices.IndexFunc(got, func(e receivedEmail) bool { return e.subject == want[2] })]
	if purchase.from != "noreply@shop.example.ru" || !strings.Contains(purchase.body, "Спасибо за покупку!") ||
		!strings.Contains(purchase.body, "«Премьера 0» ждёт вас в разделе «Мои премьеры»") {
		t.Fatalf("purchase email from %s: %q", purchase.from, purchase.body)
	}
	// The Message-ID is the message's own id (the inbox item's) at the From's domain:
	// the same every time this message is sent, so a mail system can drop a repeat.
	if len(inbox[notifications.KindPurchase]) != 1 || purchase.messageID != "<"+inbox[notifications.KindPurchase][0]["id"].(string)+"@shop.example.ru>" {
		t.Fatalf("purchase Message-ID %s; inbox %v", purchase.messageID, inbox[notifications.KindPurchase])
	}

	// The clock moves until the 4 h term's reminder is due (1 h before its end); the
	// scheduler, reading the rentals read model, issues it → an email.
	sh.settle()
	sh.clock.Advance(3 * time.Hour)
	if n, err := sh.app.Scheduler.Tick(ctx); err != nil || n != 1 {
		t.Fatalf("scheduler tick issued %d commands (%v), want the reminder", n, err)
	}
	seen.await(t, vera, map[string]int{notifications.KindReminder: 1})
	got = mailbox(t, mx, "vera@example.ru")
	if len(got) != 4 || got[3].subject != "Срок просмотра «Премьера 0» скоро закончится" ||
		!strings.Contains(got[3].body, "Продлить срок можно в разделе «Мои премьеры»") {
		t.Fatalf("emails after the reminder: %q", subjects(got))
	}
	if len(tg.received()) != 0 {
		t.Fatalf("telegram messages before the customer chose telegram: %v", tg.received())
	}

	// The customer swaps email for Telegram: the next messages (the term change, then
	// the cancellation) go to Telegram and the inbox, and no email is sent.
	swapped := sh.expect(http.StatusOK, call{method: "PATCH", path: "/users", token: token,
		body: map[string]any{"notification_channels": []string{"inbox", "telegram"}, "telegram_chat_id": e2eChatID}})
	if !slices.Equal(strs(swapped["notification_channels"]), []string{"inbox", "telegram"}) || swapped["telegram_chat_id"] != e2eChatID {
		t.Fatalf("after the swap: %v", swapped)
	}
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rental + "/term", token: token, key: "term-1", body: map[string]any{"period": 8}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-2", body: map[string]any{"summ": 500}})
	seen.await(t, vera, map[string]int{notifications.KindTermChanged: 1, notifications.KindFundsAdded: 2})
	texts := telegramTexts(t, tg)
	if len(texts) != 2 || !slices.ContainsFunc(texts, prefixed("Шанс-видео: «Премьера 0» — смотреть до ")) ||
		!slices.Contains(texts, "Шанс-видео: баланс пополнен на 5,00\u00a0₽, теперь 925,00\u00a0₽") {
		t.Fatalf("telegram after the swap: %q; want the term change and the top-up", texts)
	}
	if got := subjects(mailbox(t, mx, "vera@example.ru")); len(got) != 4 {
		t.Fatalf("emails after the swap: %q; want no new one", got)
	}
	// A later message is the marker: once every sender has handled it, a duplicate of
	// the earlier ones would have had its chance to arrive.
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rental + "/cancel", token: token, key: "cancel-1"})
	seen.await(t, vera, map[string]int{notifications.KindCancelled: 1})

	if got := subjects(mailbox(t, mx, "vera@example.ru")); len(got) != 4 {
		t.Fatalf("emails at the end: %q; want the 4 sent before the swap, each once", got)
	}
	if texts := telegramTexts(t, tg); len(texts) != 3 || !strings.HasPrefix(texts[2], "Шанс-видео: аренда «Премьера 0» отменена") {
		t.Fatalf("telegram messages at the end: %q; want the term change, the top-up and the cancellation, each once", texts)
	}
	wantInbox := map[string]int{notifications.KindWelcome: 1, notifications.KindFundsAdded: 2, notifications.KindPurchase: 1,
		notifications.KindReminder: 1, notifications.KindTermChanged: 1, notifications.KindCancelled: 1}
	if got := kindCounts(sh.inboxItems(token)); !maps.Equal(got, wantInbox) {
		t.Fatalf("inbox at the end: %v; want %v", got, wantInbox)
	}
	// The billing history, fed from chance.events.accounts, has every line once.
	want = []string{"top_up 100000", "withdrawal -4000", "withdrawal -4000", "top_up 500", "refund 5000"}
	if got := sh.history(token); !slices.Equal(got, want) {
		t.Fatalf("billing history %q; want %q", got, want)
	}
}

// failuresNoted tells when a publish of the forwarder fails (the broker is away).
type failuresNoted struct {
	message.Publisher
	failed chan<- error
}

func (f failuresNoted) Publish(topic string, msgs ...*message.Message) error {
	err := f.Publisher.Publish(topic, msgs...)
	if err != nil {
		select {
		case f.failed <- err:
		default:
		}
	}
	return err
}

// onceEach checks that the emails' subjects are the wanted ones, each once.
func onceEach(t *testing.T, emails []receivedEmail, want ...string) {
	t.Helper()
	if got := subjects(emails); !sameSet(got, want) {
		t.Fatalf("emails %q; want each of %q once", got, want)
	}
}

// Issue 9: the broker goes away while customers top up, buy and sign up over HTTP.
// The requests succeed (the log is the record); once the broker is back every email
// and inbox item arrives exactly once and the billing history is complete. Then the
// shop's process is replaced (the App closed, a new one opened on the same data folder
// and broker): its consumer groups resume where the old ones acked, so nothing is
// sent again and the next message flows.
func TestABrokerOutageAndARestartLoseAndRepeatNoMessage(t *testing.T) {
	broker, mx, tg, seen := kafkatest.Start(t), smtptest.Start(t, smtptest.Options{}), startTelegram(t), newDeliveries()
	failed := make(chan error, 1)
	sh := newShopWith(t, onKafkaWithChannels(broker, mx, tg), func(a *app.App) {
		seen.watch(a)
		a.Forwarder.Publisher = failuresNoted{Publisher: a.Forwarder.Publisher, failed: failed}
	})
	premieres := sh.publish(2)
	anna := sh.signUp("anna@example.ru")
	annaID := sh.userID("anna@example.ru")
	fill := func(token, key string, amount int) {
		t.Helper()
		sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: key, body: map[string]any{"summ": amount}})
	}
	fill(anna, "fill-0", 100_000)
	seen.await(t, annaID, map[string]int{notifications.KindWelcome: 1, notifications.KindFundsAdded: 1})

	broker.Stop()
	fill(anna, "fill-1", 500)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: anna, key: "rent-0", body: map[string]any{"id": premieres[0], "period": 2}})
	select {
	case <-failed: // the forwarder has met the outage
	case <-time.After(30 * time.Second):
		t.Fatal("the forwarder published nothing, or did not fail, with the broker down")
	}
	fill(anna, "fill-2", 700)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: anna, key: "rent-1", body: map[string]any{"id": premieres[1], "period": 3}})
	boris := sh.signUp("boris@example.ru")
	fill(boris, "fill-b", 2_000)
	broker.Restart()

	borisID := sh.userID("boris@example.ru")
	seen.await(t, annaID, map[string]int{notifications.KindFundsAdded: 3, notifications.KindPurchase: 2})
	seen.await(t, borisID, map[string]int{notifications.KindWelcome: 1, notifications.KindFundsAdded: 1})
	fill(anna, "fill-3", 300) // the marker
	seen.await(t, annaID, map[string]int{notifications.KindFundsAdded: 4})

	annaSubjects := []string{"Добро пожаловать в Шанс-видео", "Баланс пополнен на 1\u00a0000,00\u00a0₽", "Баланс пополнен на 5,00\u00a0₽",
		"Премьера «Премьера 0» оплачена", "Баланс пополнен на 7,00\u00a0₽", "Премьера «Премьера 1» оплачена", "Баланс пополнен на 3,00\u00a0₽"}
	onceEach(t, mailbox(t, mx, "anna@example.ru"), annaSubjects...)
	onceEach(t, mailbox(t, mx, "boris@example.ru"), "Добро пожаловать в Шанс-видео", "Баланс пополнен на 20,00\u00a0₽")
	wantInbox := map[string]int{notifications.KindWelcome: 1, notifications.KindFundsAdded: 4, notifications.KindPurchase: 2}
	if got := kindCounts(sh.inboxItems(anna)); !maps.Equal(got, wantInbox) {
		t.Fatalf("anna's inbox after the outage: %v; want %v", got, wantInbox)
	}
	wantHistory := []string{"top_up 100000", "top_up 500", "withdrawal -2000", "top_up 700", "withdrawal -3000", "top_up 300"}
	if got := sh.history(anna); !slices.Equal(got, wantHistory) {
		t.Fatalf("anna's billing history after the outage: %q; want %q", got, wantHistory)
	}
	if got := sh.history(boris); !slices.Equal(got, []string{"top_up 2000"}) {
		t.Fatalf("boris's billing history after the outage: %q", got)
	}

	// The process is replaced; the next message flows, nothing before it is repeated.
	sh.restart()
	anna = sh.signIn("anna@example.ru")
	fill(anna, "fill-4", 900)
	seen.await(t, annaID, map[string]int{notifications.KindFundsAdded: 5})
	onceEach(t, mailbox(t, mx, "anna@example.ru"), append(annaSubjects, "Баланс пополнен на 9,00\u00a0₽")...)
	onceEach(t, mailbox(t, mx, "boris@example.ru"), "Добро пожаловать в Шанс-видео", "Баланс пополнен на 20,00\u00a0₽")
	wantInbox[notifications.KindFundsAdded]++
	if got := kindCounts(sh.inboxItems(anna)); !maps.Equal(got, wantInbox) {
		t.Fatalf("anna's inbox after the restart: %v; want %v", got, wantInbox)
	}
	if got := sh.history(anna); !slices.Equal(got, append(wantHistory, "top_up 900")) {
		t.Fatalf("anna's billing history after the restart: %q", got)
	}
	if len(tg.received()) != 0 {
		t.Fatalf("telegram messages to customers who never chose it: %v", tg.received())
	}
}
