package config

import (
	"strings"
	"testing"
	"time"
)

func TestPaymentSettings(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.Payments.Provider != PaymentsDemo || c.PendingTTL != 30*time.Minute || c.ReturnTo("p1") != "/#/wallet?payment=p1" {
		t.Fatalf("defaults: %+v, %v", c.Payments, err)
	}
	c, err = FromEnv(env(map[string]string{"CHANCE_PAYMENTS": "test", "CHANCE_PAYMENTS_PENDING_TTL": "10m",
		"CHANCE_PUBLIC_URL": "https://shop.example/", "CHANCE_PAYMENTS_RETURN_URL": "/wallet/{payment_id}"}))
	if err != nil || c.Payments.Provider != PaymentsTest || c.PendingTTL != 10*time.Minute || c.PublicURL != "https://shop.example" ||
		c.ReturnTo("p1") != "/wallet/p1" {
		t.Fatalf("test: %+v, %v", c.Payments, err)
	}
	yookassa := map[string]string{"CHANCE_PAYMENTS": "yookassa", "CHANCE_YOOKASSA_SHOP_ID": "123", "CHANCE_YOOKASSA_SECRET_KEY": "live_x",
		"CHANCE_PAYMENTS_RETURN_URL": "https://shop.example/#/wallet?payment={payment_id}"}
	c, err = FromEnv(env(yookassa))
	if err != nil || c.YooKassaAPIURL != DefaultYooKassaAPIURL {
		t.Fatalf("yookassa: %+v, %v", c.Payments, err)
	}
	// yookassa refuses to start without what it needs, each named.
	for name, want := range map[string]string{
		"CHANCE_YOOKASSA_SHOP_ID":    "CHANCE_YOOKASSA_SHOP_ID",
		"CHANCE_YOOKASSA_SECRET_KEY": "CHANCE_YOOKASSA_SECRET_KEY",
		"CHANCE_PAYMENTS_RETURN_URL": "absolute",
	} {
		vars := map[string]string{}
		for k, v := range yookassa {
			if k != name {
				vars[k] = v
			}
		}
		if _, err := FromEnv(env(vars)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("yookassa without %s: %v", name, err)
		}
	}
	for name, value := range map[string]string{"CHANCE_PAYMENTS": "paypal", "CHANCE_PAYMENTS_PENDING_TTL": "10s",
		"CHANCE_PAYMENTS_RETURN_URL": "//evil.example/", "CHANCE_PUBLIC_URL": "shop.example"} {
		if _, err := FromEnv(env(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, value, err)
		}
	}
}
