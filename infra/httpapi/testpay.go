package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/payments/testpay"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
)

// TestPayPage serves the test payment provider's page (CHANCE_PAYMENTS=test): a top-up's
// id in the URL is the capability to pay or decline it, so the page needs no sign-in.
type TestPayPage struct {
	// Find reads a payment by id, whoever's it is (nil: the page is not served).
	Find func(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error)
	// ReturnURL is where the customer goes once the top-up is settled.
	ReturnURL func(payment uuid.UUID) string
}

// maxPayForm bounds the page's form: one field.
const maxPayForm = 1 << 10

// payPageHeaders keep the page (whose URL is a capability) out of caches, referrers and frames.
func payPageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// payPage: GET /pay/test/:id, the payment page of a pending top-up, or its outcome.
func (a *api) payPage(c *gin.Context) {
	payPageHeaders(c)
	p, ok := a.payPageTopUp(c)
	if !ok {
		return
	}
	a.payPageReply(c, http.StatusOK, p.Status, p.Amount)
}

// payPagePost: POST /pay/test/:id action=pay|decline. The first settles the top-up and
// sends the customer back to the shop (303); one on a settled top-up changes nothing
// and shows its outcome.
func (a *api) payPagePost(c *gin.Context) {
	payPageHeaders(c)
	p, ok := a.payPageTopUp(c)
	if !ok {
		return
	}
	action, err := payAction(c)
	if err != nil {
		a.payPageMessage(c, http.StatusBadRequest, "Неверный запрос", err.Error())
		return
	}
	if p.Status != readmodel.PaymentPending {
		a.payPageReply(c, http.StatusOK, p.Status, p.Amount)
		return
	}
	s, err := a.cmd.SettleTopUp.Handle(c.Request.Context(), commands.Settlement{UserID: p.UserID, Payment: p.ID, Provider: testpay.Name,
		Paid: action == "pay", Amount: p.Amount})
	switch {
	case errors.Is(err, account.ErrTopUpProvider), errors.Is(err, account.ErrUnknownTopUp):
		a.payPageMessage(c, http.StatusNotFound, "Платёж не найден", "Этот платёж оплачивается не здесь.")
		return
	case err != nil:
		a.log.Log(c.Request.Context(), failureLevel(problemFor(err).Status), "test payment page", "error", err, "payment_id", p.ID, "request_id", requestID(c))
		a.payPageMessage(c, http.StatusServiceUnavailable, "Попробуйте ещё раз", "Не удалось провести платёж. Обновите страницу и попробуйте снова.")
		return
	}
	if !s.Changed {
		a.payPageReply(c, http.StatusOK, statusOfTopUp(s.Status), p.Amount)
		return
	}
	c.Redirect(http.StatusSeeOther, a.testPay.ReturnURL(p.ID))
}

// payPageTopUp finds the top-up the URL names; false when it answered (404).
func (a *api) payPageTopUp(c *gin.Context) (accounts.Payment, bool) {
	id, err := uuid.Parse(c.Param("id"))
	if a.testPay == nil || a.testPay.Find == nil || err != nil {
		a.payPageMessage(c, http.StatusNotFound, "Платёж не найден", "Такого платежа нет.")
		return accounts.Payment{}, false
	}
	p, found, err := a.testPay.Find(c.Request.Context(), id)
	if err != nil {
		a.log.Log(c.Request.Context(), failureLevel(problemFor(err).Status), "test payment page", "error", err, "payment_id", id, "request_id", requestID(c))
		a.payPageMessage(c, http.StatusServiceUnavailable, "Попробуйте ещё раз", "Не удалось найти платёж. Обновите страницу.")
		return accounts.Payment{}, false
	}
	// Only the test provider's own top-ups are paid here (a pending one names this page).
	if !found || p.Kind != readmodel.KindTopUp || p.Status == readmodel.PaymentPending && !strings.HasSuffix(p.ConfirmationURL, testpay.PagePath(id.String())) {
		a.payPageMessage(c, http.StatusNotFound, "Платёж не найден", "Такого платежа нет.")
		return accounts.Payment{}, false
	}
	// Past its expiry a top-up takes no payment here, though the read model may still
	// show it pending (the scheduler not ticked yet, or its expiry not projected yet):
	// the shop may have expired it already, and a "pay" would then credit it late.
	if p.Status == readmodel.PaymentPending && !a.clock.Now().Before(p.ExpiresAt) {
		p.Status = readmodel.PaymentExpired
	}
	return p, true
}

// payAction reads the form's action.
func payAction(c *gin.Context) (string, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxPayForm))
	if err != nil {
		return "", errors.New("форма слишком большая")
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return "", errors.New("форма не читается")
	}
	switch action := form.Get("action"); action {
	case "pay", "decline":
		return action, nil
	default:
		return "", fmt.Errorf("action должно быть pay или decline, а не %q", action)
	}
}

// statusOfTopUp is the payment status of a top-up's domain status.
func statusOfTopUp(s account.TopUpStatus) string {
	switch s {
	case account.TopUpSucceeded:
		return readmodel.PaymentSucceeded
	case account.TopUpDeclined:
		return readmodel.PaymentCanceled
	case account.TopUpExpired:
		return readmodel.PaymentExpired
	}
	return readmodel.PaymentPending
}

var payPageTemplate = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — тестовая оплата</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
.amount{font-size:2rem;margin:1rem 0}button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem .5rem .3rem 0;border-radius:.4rem;border:1px solid #888;cursor:pointer}
.pay{background:#1a7f37;color:#fff;border-color:#1a7f37}.note{color:#666;font-size:.9rem}</style></head>
<body><h1>{{.Title}}</h1>
{{if .Amount}}<p class="amount">{{.Amount}}</p>{{end}}
<p>{{.Text}}</p>
{{if .Form}}<form method="post"><button class="pay" type="submit" name="action" value="pay">Оплатить</button><button type="submit" name="action" value="decline">Отклонить</button></form>
<p class="note">Это тестовый платёжный сервис: деньги не списываются.</p>{{end}}
{{if .Back}}<p><a href="{{.Back}}">Вернуться в магазин</a></p>{{end}}
</body></html>
`))

type payPageView struct {
	Title, Amount, Text string
	Form                bool
	Back                string
}

// payPageReply shows a top-up: the form while it is pending, else its outcome.
func (a *api) payPageReply(c *gin.Context, status int, payment string, amount money.Kopecks) {
	v := payPageView{Amount: rubles(amount)}
	if id, err := uuid.Parse(c.Param("id")); err == nil && a.testPay != nil && a.testPay.ReturnURL != nil {
		v.Back = a.testPay.ReturnURL(id)
	}
	switch payment {
	case readmodel.PaymentPending:
		v.Title, v.Text, v.Form = "Пополнение баланса", "Шанс-видео: пополнение баланса.", true
	case readmodel.PaymentSucceeded:
		v.Title, v.Text = "Оплачено", "Платёж проведён, баланс пополнен."
	case readmodel.PaymentCanceled:
		v.Title, v.Text = "Платёж отклонён", "Деньги не списаны, баланс не изменился."
	case readmodel.PaymentExpired:
		v.Title, v.Text = "Срок оплаты истёк", "Платёж не был оплачен вовремя; создайте новое пополнение."
	}
	a.payPageHTML(c, status, v)
}

func (a *api) payPageMessage(c *gin.Context, status int, title, text string) {
	a.payPageHTML(c, status, payPageView{Title: title, Text: text})
}

func (a *api) payPageHTML(c *gin.Context, status int, v payPageView) {
	var buf bytes.Buffer
	if err := payPageTemplate.Execute(&buf, v); err != nil {
		panic(fmt.Errorf("pay page: %w", err)) // a bug in the template: recoverPanics logs it
	}
	c.Abort()
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// rubles writes kopecks for people: "1 234,50 ₽".
func rubles(k money.Kopecks) string {
	whole := fmt.Sprint(int64(k) / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s,%02d\u00a0₽", b.String(), int64(k)%100)
}
