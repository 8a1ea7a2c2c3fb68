package httpapi

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/queries"
)

// auditBilling: GET /audit/billing?user_id=&from=&to=&format=json|csv (&after=&limit= for JSON pages)
func (a *api) auditBilling(c *gin.Context) {
	f, err := ledgerFilter(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	if raw := c.Query("user_id"); raw != "" {
		if f.UserID, err = parseID("user_id", raw); err != nil {
			a.fail(c, err)
			return
		}
	}
	switch format := c.DefaultQuery("format", "json"); format {
	case "json":
		h, err := a.q.Audit(c.Request.Context(), f)
		if err != nil {
			a.fail(c, err)
			return
		}
		reply(c, http.StatusOK, h)
	case "csv":
		a.auditCSV(c, f)
	default:
		a.fail(c, badRequest("format must be json or csv, got %q", shorten(format)))
	}
}

var csvHeader = []string{"position", "event_id", "user_id", "kind", "purpose", "amount", "balance_after", "payment_id", "rental_id", "occurred_at"}

// auditCSV streams every selected line (ignoring limit), a page at a time. Once the
// first row is out the status is sent, so a later failure is logged and the
// connection aborted: the client sees a broken transfer, never a file that looks
// complete but is not.
func (a *api) auditCSV(c *gin.Context, f queries.LedgerFilter) {
	w := csv.NewWriter(c.Writer)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="billing.csv"`)
		c.Status(http.StatusOK)
		_ = w.Write(csvHeader)
	}
	err := a.q.EachAuditLine(c.Request.Context(), f, func(l queries.LedgerLine) error {
		start()
		rental := ""
		if l.RentalID != nil {
			rental = l.RentalID.String()
		}
		return w.Write([]string{strconv.FormatUint(l.Position, 10), l.EventID.String(), l.UserID.String(), l.Kind, l.Purpose,
			strconv.FormatInt(int64(l.Amount), 10), strconv.FormatInt(int64(l.BalanceAfter), 10), l.PaymentID.String(),
			rental, l.OccurredAt.Format(time.RFC3339Nano)})
	})
	if err != nil && !started {
		a.fail(c, err)
		return
	}
	if err != nil {
		level := slog.LevelError
		if clientGone(c, err) {
			level = slog.LevelInfo // the auditor hung up: nothing failed here
		}
		a.log.Log(c.Request.Context(), level, "audit export cut short", "error", err, "request_id", requestID(c))
		panic(http.ErrAbortHandler)
	}
	start()
	w.Flush()
	if err := w.Error(); err != nil {
		a.log.WarnContext(c.Request.Context(), "audit export not delivered", "error", err, "request_id", requestID(c))
	}
}
