package notifications

import (
	"fmt"
	"strings"
	"time"

	"github.com/chance-video/chance/domain/money"
)

// moscow is the shop's time zone: customers read times in it.
var moscow = time.FixedZone("МСК", 3*60*60)

// rub formats kopecks the Russian way: "1 234,50 ₽".
func rub(k money.Kopecks) string {
	sign := ""
	if k < 0 {
		sign, k = "−", -k
	}
	whole := fmt.Sprint(int64(k) / 100)
	var grouped strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			grouped.WriteRune('\u00a0') // a non-breaking space groups thousands
		}
		grouped.WriteRune(d)
	}
	return fmt.Sprintf("%s%s,%02d\u00a0₽", sign, grouped.String(), int64(k)%100)
}

// when formats a moment in Moscow time: "30.11.2026 15:00 МСК".
func when(t time.Time) string { return t.In(moscow).Format("02.01.2006 15:04") + " МСК" }

// whenShort formats a moment in Moscow time for a short message: "30.11 15:00" (the
// text adds "МСК" once).
func whenShort(t time.Time) string { return t.In(moscow).Format("02.01 15:04") }

// MaxShort bounds a message's short form (SMS, Telegram), in characters.
const MaxShort = 300

// Bounds of what a short form quotes, so the whole stays under MaxShort.
const (
	maxShortTitle = 80
	maxShortName  = 40
)

// clip cuts s to at most n characters, marking a cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
