// Package payments holds the payment providers top-ups go through (commands.PaymentProvider):
// testpay, the shop's own test page, and yookassa, YooKassa's API v3.
package payments
