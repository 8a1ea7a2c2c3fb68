package httpapi_test

import (
	"net/http"
	"reflect"
	"testing"
)

func (h *harness) patchUser(token string, body any) response {
	h.t.Helper()
	return h.send(req{Method: http.MethodPatch, Path: "/users", Token: token, Body: body})
}

func channelsOf(r response) []string {
	var out []string
	list, _ := r.JSON["notification_channels"].([]any)
	for _, c := range list {
		s, _ := c.(string)
		out = append(out, s)
	}
	return out
}

func wantSettings(t *testing.T, what string, r response, channels []string, phone, chat string) {
	t.Helper()
	if got := channelsOf(r); !reflect.DeepEqual(got, channels) || r.str("phone") != phone || r.str("telegram_chat_id") != chat {
		t.Fatalf("%s: channels %v, phone %q, chat %q; want %v, %q, %q\n%s", what, got, r.str("phone"), r.str("telegram_chat_id"), channels, phone, chat, r.Raw)
	}
}

func TestCustomerSwapsNotificationChannels(t *testing.T) {
	h := newHarnessWith(t, setup{channels: []string{"sms", "telegram"}})
	token, _ := h.customer("Анна")
	wantSettings(t, "a new customer", h.get("/users", token).want(t, http.StatusOK), []string{"inbox", "email"}, "", "")

	r := h.patchUser(token, map[string]any{"notification_channels": []string{"sms", "inbox"}, "phone": "+79991234567"}).want(t, http.StatusOK)
	wantSettings(t, "swapped to sms", r, []string{"inbox", "sms"}, "+79991234567", "")
	if r.str("email") == "" || r.str("id") == "" {
		t.Fatalf("the answer is not the profile: %s", r.Raw)
	}
	if r.Header.Get("X-Chance-Position") == "" {
		t.Fatal("a change answers with its log position")
	}
	// Read-your-writes: the next read sees the change.
	wantSettings(t, "read back", h.get("/users", token).want(t, http.StatusOK), []string{"inbox", "sms"}, "+79991234567", "")

	// A chat id as a JSON number (as the Bot API writes it), digits kept.
	r = h.send(req{Method: http.MethodPatch, Path: "/users", Token: token,
		Body: `{"notification_channels":["telegram","telegram"],"telegram_chat_id":-1001234567890123456}`}).want(t, http.StatusOK)
	wantSettings(t, "swapped to telegram", r, []string{"inbox", "telegram"}, "+79991234567", "-1001234567890123456")

	// Only the phone: the channels stay; clearing the phone of a channel not chosen is fine.
	r = h.patchUser(token, map[string]any{"phone": ""}).want(t, http.StatusOK)
	wantSettings(t, "phone cleared", r, []string{"inbox", "telegram"}, "", "-1001234567890123456")

	// Nothing changes: still the profile, with no new position.
	r = h.patchUser(token, map[string]any{"notification_channels": []string{"telegram"}}).want(t, http.StatusOK)
	wantSettings(t, "the same again", r, []string{"inbox", "telegram"}, "", "-1001234567890123456")
	if r.Header.Get("X-Chance-Position") != "" {
		t.Fatal("a change that changes nothing appended something")
	}

	// An empty list is the inbox alone.
	r = h.patchUser(token, map[string]any{"notification_channels": []string{}}).want(t, http.StatusOK)
	wantSettings(t, "inbox only", r, []string{"inbox"}, "", "-1001234567890123456")
}

func TestNotificationSettingsRefusals(t *testing.T) {
	h := newHarness(t) // inbox and email only
	token, _ := h.customer("Борис")
	for _, tc := range []struct {
		name   string
		body   any
		status int
		says   []string
	}{
		{"unknown channel", map[string]any{"notification_channels": []string{"email", "fax"}}, 400, []string{`"fax"`}},
		{"sms without a phone", map[string]any{"notification_channels": []string{"sms"}}, 422, []string{"sms"}},
		{"malformed phone", map[string]any{"phone": "8 999 123-45-67"}, 400, []string{"E.164"}},
		{"malformed chat id", map[string]any{"telegram_chat_id": "@me"}, 400, []string{"telegram_chat_id"}},
		{"a fraction is not a chat id", `{"telegram_chat_id":12.5}`, 400, []string{"telegram_chat_id"}},
		{"a chat id beyond 64 bits", `{"telegram_chat_id":12345678901234567890}`, 400, []string{"telegram_chat_id"}},
		{"a chat id beyond 64 bits, as a string", map[string]any{"telegram_chat_id": "-9223372036854775809"}, 400, []string{"telegram_chat_id"}},
		{"a chat id is not true", `{"telegram_chat_id":true}`, 400, []string{"telegram_chat_id", "true or false"}},
		{"channels must be strings", `{"notification_channels":[1]}`, 400, []string{"notification_channels"}},
		{"unknown field", `{"notification_channels":["email"],"fax":"+7"}`, 400, []string{`"fax"`}},
		{"field names are exact", `{"Phone":"+79991234567"}`, 400, []string{"phone"}},
		{"empty body", ``, 400, []string{"empty"}},
		{"not an object", `["email"]`, 400, []string{"object"}},
		{"sms on a shop without a gateway", map[string]any{"notification_channels": []string{"sms"}, "phone": "+79991234567"}, 422, []string{"sms", "inbox, email"}},
		{"telegram on a shop without a bot", map[string]any{"notification_channels": []string{"telegram"}, "telegram_chat_id": 42}, 422, []string{"telegram"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.patchUser(token, tc.body).problem(t, tc.status, tc.says...)
		})
	}
	// Nothing was changed by the refusals.
	wantSettings(t, "after refusals", h.get("/users", token).want(t, http.StatusOK), []string{"inbox", "email"}, "", "")

	h.send(req{Method: http.MethodPatch, Path: "/users", Body: map[string]any{"notification_channels": []string{"inbox"}}}).problem(t, http.StatusUnauthorized)
}

func TestTelegramNeedsAChatID(t *testing.T) {
	h := newHarnessWith(t, setup{channels: []string{"sms", "telegram"}})
	token, _ := h.customer("Вера")
	h.patchUser(token, map[string]any{"notification_channels": []string{"telegram"}}).problem(t, http.StatusBadRequest, "telegram_chat_id")
	h.patchUser(token, map[string]any{"notification_channels": []string{"sms"}, "phone": ""}).problem(t, http.StatusBadRequest, "phone")
}
