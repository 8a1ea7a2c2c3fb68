package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/queries"
)

// maxChosenChannels bounds notification_channels: there are four channels, and a
// repeat is harmless, but a list of thousands is not a choice.
const maxChosenChannels = 16

// settingsBody is PATCH /users: every member optional; an absent (or null) one keeps
// what the customer has, an empty phone or chat id clears it.
type settingsBody struct {
	NotificationChannels *[]string       `json:"notification_channels"`
	Phone                *string         `json:"phone"`
	TelegramChatID       *jsontext.Value `json:"telegram_chat_id"`
}

// chatIDText reads telegram_chat_id, sent as a string or as a JSON number: clients
// copy it from the Bot API, which writes it as a number. A number is kept as written,
// so a 64-bit id loses no digit; the user's rules check it is a whole number.
func chatIDText(v jsontext.Value) (string, error) {
	switch v.Kind() {
	case '"':
		var s string
		err := jsonv2.Unmarshal(v, &s)
		return s, err
	case '0':
		return string(v), nil
	}
	return "", badRequest(`field "telegram_chat_id" must be a chat id, as a string or a whole number, not %s`, describeKind(v.Kind(), v))
}

// changeSettings: PATCH /users {notification_channels?, phone?, telegram_chat_id?}
// answers with the profile as it now is.
func (a *api) changeSettings(c *gin.Context) {
	var in settingsBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	var change commands.NotificationSettings
	if in.NotificationChannels != nil {
		if len(*in.NotificationChannels) > maxChosenChannels {
			a.fail(c, badRequest("notification_channels lists at most %d channels (inbox, email, sms, telegram)", maxChosenChannels))
			return
		}
		change.Channels = append([]string{}, *in.NotificationChannels...) // never nil: a list, even empty, is a choice
	}
	change.Phone = in.Phone
	if in.TelegramChatID != nil && in.TelegramChatID.Kind() != 'n' {
		id, err := chatIDText(*in.TelegramChatID)
		if err != nil {
			a.fail(c, err)
			return
		}
		change.TelegramChatID = &id
	}
	w, err := a.cmd.ChangeNotificationSettings.Handle(c.Request.Context(), commands.ChangeNotificationSettings{UserID: callerID(c), Settings: change, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, w.Position)
	if !a.await(c, queries.ForProfile) {
		return
	}
	p, err := a.q.Profile(c.Request.Context(), callerID(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, p)
}
