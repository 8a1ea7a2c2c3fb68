package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Payment providers of top-ups (CHANCE_PAYMENTS).
const (
	// PaymentsDemo credits a top-up at once, with no payment at all: a demo only.
	PaymentsDemo = "demo"
	// PaymentsTest sends the customer to the shop's own test payment page (/pay/test/<id>)
	// with "pay" and "decline" buttons.
	PaymentsTest = "test"
	// PaymentsYooKassa takes top-ups through YooKassa (API v3), settled by its
	// notifications, each verified with YooKassa before it is trusted.
	PaymentsYooKassa = "yookassa"
)

// Defaults of the payment settings.
const (
	DefaultPendingTTL      = 30 * time.Minute
	DefaultPaymentsReturn  = "/#/wallet?payment={payment_id}"
	DefaultYooKassaAPIURL  = "https://api.yookassa.ru"
	paymentIDPlaceholder   = "{payment_id}"
	maxPaymentsSettingSize = 2048
)

// Payments is how top-ups are paid.
type Payments struct {
	Provider string // CHANCE_PAYMENTS: demo (default), test or yookassa
	// PendingTTL (CHANCE_PAYMENTS_PENDING_TTL): a top-up not paid within it expires.
	PendingTTL time.Duration
	// ReturnURL (CHANCE_PAYMENTS_RETURN_URL) is where the customer goes back to after
	// paying; {payment_id} in it is replaced by the top-up's id. YooKassa needs it absolute.
	ReturnURL string
	// PublicURL (CHANCE_PUBLIC_URL) is the shop's address as customers reach it
	// (https://shop.example); the test provider's page is PublicURL + /pay/test/<id>.
	// Empty: the page's URL is relative (/pay/test/<id>).
	PublicURL string
	// YooKassa's shop id, secret key and API address (CHANCE_YOOKASSA_SHOP_ID,
	// CHANCE_YOOKASSA_SECRET_KEY, CHANCE_YOOKASSA_API_URL).
	YooKassaShopID    string
	YooKassaSecretKey string
	YooKassaAPIURL    string
}

func defaultPayments() Payments {
	return Payments{Provider: PaymentsDemo, PendingTTL: DefaultPendingTTL, ReturnURL: DefaultPaymentsReturn, YooKassaAPIURL: DefaultYooKassaAPIURL}
}

// ReturnTo is the return URL for a top-up.
func (p Payments) ReturnTo(payment string) string {
	return strings.ReplaceAll(p.ReturnURL, paymentIDPlaceholder, url.QueryEscape(payment))
}

func (p *Payments) read(lookup func(string) (string, bool), errs *[]error) {
	// An empty variable keeps the default (a compose file passes unset ones on empty).
	str := func(name string, into *string) {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			*into = strings.TrimSpace(v)
		}
	}
	str("CHANCE_PAYMENTS", &p.Provider)
	p.Provider = strings.ToLower(p.Provider)
	parse(lookup, errs, "CHANCE_PAYMENTS_PENDING_TTL", &p.PendingTTL, time.ParseDuration, "a duration such as 30m")
	str("CHANCE_PAYMENTS_RETURN_URL", &p.ReturnURL)
	str("CHANCE_PUBLIC_URL", &p.PublicURL)
	p.PublicURL = strings.TrimSuffix(p.PublicURL, "/")
	str("CHANCE_YOOKASSA_SHOP_ID", &p.YooKassaShopID)
	str("CHANCE_YOOKASSA_SECRET_KEY", &p.YooKassaSecretKey)
	str("CHANCE_YOOKASSA_API_URL", &p.YooKassaAPIURL)
	p.YooKassaAPIURL = strings.TrimSuffix(p.YooKassaAPIURL, "/")
}

func (p Payments) validate() []error {
	var errs []error
	switch p.Provider {
	case PaymentsDemo, PaymentsTest, PaymentsYooKassa:
	default:
		errs = append(errs, fmt.Errorf("CHANCE_PAYMENTS=%q must be demo, test or yookassa", p.Provider))
	}
	if p.PendingTTL < time.Minute || p.PendingTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("CHANCE_PAYMENTS_PENDING_TTL=%s must be between 1m and 24h", p.PendingTTL))
	}
	localPath := strings.HasPrefix(p.ReturnURL, "/") && !strings.HasPrefix(p.ReturnURL, "//")
	if len(p.ReturnURL) > maxPaymentsSettingSize || !localPath && !isHTTPURL(p.ReturnURL) {
		errs = append(errs, fmt.Errorf("CHANCE_PAYMENTS_RETURN_URL=%q must be a path starting with / or an http(s):// URL", p.ReturnURL))
	}
	if p.PublicURL != "" && !isHTTPURL(p.PublicURL) {
		errs = append(errs, fmt.Errorf("CHANCE_PUBLIC_URL=%q must be an http(s):// URL", p.PublicURL))
	}
	if p.Provider != PaymentsYooKassa {
		return errs
	}
	if p.YooKassaShopID == "" || p.YooKassaSecretKey == "" {
		errs = append(errs, errors.New("CHANCE_PAYMENTS=yookassa needs CHANCE_YOOKASSA_SHOP_ID and CHANCE_YOOKASSA_SECRET_KEY"))
	}
	if !isHTTPURL(p.YooKassaAPIURL) {
		errs = append(errs, fmt.Errorf("CHANCE_YOOKASSA_API_URL=%q must be an http(s):// URL", p.YooKassaAPIURL))
	}
	if !isHTTPURL(p.ReturnURL) {
		errs = append(errs, fmt.Errorf("CHANCE_PAYMENTS=yookassa needs CHANCE_PAYMENTS_RETURN_URL as an absolute http(s):// URL (YooKassa sends the customer there), not %q", p.ReturnURL))
	}
	return errs
}

func isHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
