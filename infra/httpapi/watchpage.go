package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/readmodel/rentals"
)

// The watch pages are plain HTML in Russian with one inline style sheet and nothing
// else: no script, no font, nothing fetched from elsewhere but the poster. The
// Content-Security-Policy allows exactly that (the style by its hash).

const watchStyle = `body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#111;color:#eee}` +
	`main{max-width:960px;margin:0 auto;padding:16px}h1{font-size:1.5em;margin:.2em 0}` +
	`video{display:block;width:100%;aspect-ratio:16/9;background:#000;border-radius:8px}` +
	`.muted{color:#aaa}.note{padding:12px;border-radius:8px;background:#222}`

var watchCSP = "default-src 'none'; img-src 'self' https:; media-src 'self'; style-src 'sha256-" +
	base64.StdEncoding.EncodeToString(sha256Of(watchStyle)) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func sha256Of(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

const pageHead = `<!doctype html><html lang="ru"><head><meta charset="utf-8">` +
	`<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
	`<title>{{.Title}} — Шанс-видео</title><style>` + watchStyle + `</style></head><body><main>`

const pageFoot = `</main></body></html>`

// playerPage is what the player shows.
type playerPage struct {
	Title, Theatre, PosterURL, Duration string
	Remaining, EndsAt, LinkExpires      string
}

var playerTemplate = template.Must(template.New("player").Parse(pageHead +
	`<h1>{{.Title}}</h1>{{if .Theatre}}<p class="muted">{{.Theatre}}</p>{{end}}` +
	`<video controls preload="none"{{if .PosterURL}} poster="{{.PosterURL}}"{{end}}></video>` +
	`<p class="note">Здесь будет идти видео премьеры.</p>` +
	`{{if .Duration}}<p>Продолжительность: {{.Duration}}.</p>{{end}}` +
	`<p>До конца аренды: {{.Remaining}} (до {{.EndsAt}}).</p>` +
	`<p class="muted">Ссылка действует до {{.LinkExpires}}; новую можно получить в разделе «Мои премьеры».</p>` +
	pageFoot))

// refusedPage says why the player does not open.
type refusedPage struct{ Title, Reason string }

var refusedTemplate = template.Must(template.New("refused").Parse(pageHead +
	`<h1>{{.Title}}</h1><p class="note">{{.Reason}}</p>` +
	`<p class="muted">Арендованные премьеры и новые ссылки для просмотра — в разделе «Мои премьеры».</p>` + pageFoot))

// Why a watch link does not open the player, beyond rentals' reasons (NotStarted,
// TermOver, Cancelled).
const (
	watchInvalid = "bad_link"
	watchExpired = "link_expired"
)

type watchRefusal struct {
	reason           string
	startsAt, endsAt time.Time
}

// watchBadLink covers a malformed link, a forged or altered signature, and a rental
// that does not exist, alike.
var watchBadLink = watchRefusal{reason: watchInvalid}

func (w watchRefusal) page() refusedPage {
	switch w.reason {
	case watchExpired:
		return refusedPage{"Ссылка устарела", "Срок действия ссылки истёк. Получите новую ссылку в разделе «Мои премьеры»."}
	case rentals.NotStarted:
		return refusedPage{"Аренда ещё не началась", "Просмотр откроется " + moscow(w.startsAt) + "."}
	case rentals.TermOver:
		return refusedPage{"Срок аренды закончился", "Срок аренды закончился " + moscow(w.endsAt) + "."}
	case rentals.Cancelled:
		return refusedPage{"Аренда отменена", "Эта аренда отменена, просмотр недоступен."}
	default:
		return refusedPage{"Ссылка недействительна", "Ссылка для просмотра повреждена или подделана."}
	}
}

// writePage sends a watch page with headers that keep it private: not cached, its
// address (which holds the capability) not sent on as a referrer, not framed.
func writePage(c *gin.Context, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		_ = c.Error(err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", watchCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// msk is Moscow time (UTC+3 all year since 2014), fixed, so no time zone database is needed.
var msk = time.FixedZone("МСК", 3*60*60)

// moscow writes a moment as customers read it: "02.12.2026 21:00 МСК".
func moscow(t time.Time) string { return t.In(msk).Format("02.01.2006 15:04 MST") }

// remaining writes a duration in hours and minutes ("2 ч 05 мин"), a started minute
// counting whole.
func remaining(d time.Duration) string {
	minutes := int((d + time.Minute - 1) / time.Minute)
	if minutes < 60 {
		return fmt.Sprintf("%d мин", minutes)
	}
	return fmt.Sprintf("%d ч %02d мин", minutes/60, minutes%60)
}
