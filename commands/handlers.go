package commands

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/usecase"
)

// Handlers is every use case of the write side, in one place: what callers (HTTP, the
// operator socket, the scheduler) run, each a usecase.Handler decorated by the same
// hooks. A caller depends on the fields it uses, so a test can put its own handler in
// any of them.
type Handlers struct {
	// Users.
	Register    usecase.Handler[RegisterUser, Written[user.State]]
	RevokeToken usecase.Handler[RevokeToken, eventlog.Position]
	GrantRole   usecase.Handler[GrantRole, eventlog.Position]
	// ChangeNotificationSettings: where the customer is told things.
	ChangeNotificationSettings usecase.Handler[ChangeNotificationSettings, Written[user.State]]
	// Catalogue.
	PublishPremiere  usecase.Handler[PublishPremiere, Written[premiere.State]]
	ChangePremiere   usecase.Handler[ChangePremiere, Written[premiere.State]]
	WithdrawPremiere usecase.Handler[WithdrawPremiere, Written[premiere.State]]
	// Cart.
	AddToCart      usecase.Handler[AddToCart, Written[cart.State]]
	ChangeCartItem usecase.Handler[ChangeCartItem, Written[cart.State]]
	RemoveFromCart usecase.Handler[RemoveFromCart, Written[cart.State]]
	// Money and rentals.
	Fill       usecase.Handler[Fill, Payment]
	Withdraw   usecase.Handler[Withdraw, Payment]
	Rent       usecase.Handler[Rent, OrderResult]
	Checkout   usecase.Handler[Checkout, OrderResult]
	ChangeTerm usecase.Handler[ChangeTerm, TermResult]
	Cancel     usecase.Handler[Cancel, TermResult]
	// Top-ups through a payment provider: the test provider's page settles its own,
	// a provider's notification is verified and settles, the scheduler expires.
	SettleTopUp   usecase.Handler[Settlement, Settled]
	TopUpNotified usecase.Handler[string, Notice]
	ExpireTopUp   usecase.Handler[ExpireTopUp, Settled]
	// The scheduler's.
	Remind usecase.Handler[Remind, eventlog.Position]
	Expire usecase.Handler[Expire, eventlog.Position]

	// Reads of the write model: what must be current, not eventually consistent.
	User         usecase.Handler[uuid.UUID, user.State] // user.ErrNotFound if none
	UserByEmail  usecase.Handler[string, user.State]    // for sign-in; user.ErrNotFound if none
	CheckoutForm usecase.Handler[uuid.UUID, CheckoutPlan]
}

// Written is the state a command left an aggregate in and the position of its last
// event (Start if it appended nothing).
type Written[S any] struct {
	State    S
	Position eventlog.Position
}

// The inputs of the use cases. Request carries the caller's idempotency key and
// correlation ids.
type (
	RegisterUser struct {
		Profile Registration
		Request Request
	}
	RevokeToken struct {
		UserID    uuid.UUID
		TokenID   string
		ExpiresAt time.Time
		Request   Request
	}
	GrantRole struct {
		UserID  uuid.UUID
		Role    string
		Request Request
	}
	ChangeNotificationSettings struct {
		UserID   uuid.UUID
		Settings NotificationSettings
		Request  Request
	}
	PublishPremiere struct {
		Publish premiere.Publish
		Request Request
	}
	ChangePremiere struct {
		PremiereID uuid.UUID
		Change     premiere.Change
		Request    Request
	}
	WithdrawPremiere struct {
		PremiereID uuid.UUID
		Request    Request
	}
	AddToCart struct {
		UserID  uuid.UUID
		Item    cart.Item
		Request Request
	}
	ChangeCartItem struct {
		UserID  uuid.UUID
		Item    cart.Item
		Request Request
	}
	RemoveFromCart struct {
		UserID, PremiereID uuid.UUID
		Request            Request
	}
	Fill struct {
		UserID  uuid.UUID
		Amount  money.Kopecks
		Request Request
	}
	Withdraw struct {
		UserID, PremiereID uuid.UUID
		Hours              int
		Amount             money.Kopecks
		Request            Request
	}
	Rent struct {
		UserID  uuid.UUID
		Rent    RentInput
		Request Request
	}
	Checkout struct {
		UserID        uuid.UUID
		ExpectedTotal money.Kopecks
		Request       Request
	}
	ChangeTerm struct {
		UserID, RentalID uuid.UUID
		Hours            int
		Request          Request
	}
	Cancel struct {
		UserID, RentalID uuid.UUID
		Request          Request
	}
	Remind struct {
		RentalID    uuid.UUID
		TermVersion int
	}
	Expire struct {
		RentalID uuid.UUID
	}
	ExpireTopUp struct {
		UserID, Payment uuid.UUID
	}
)

// NewHandlers lists the use cases the Service runs, each decorated with hooks under
// its name.
//
// WARNING: the names are metric labels and log fields; renaming one breaks the
// dashboards and alerts that select on it.
func NewHandlers(s *Service, hooks usecase.Hooks) Handlers {
	return Handlers{
		Register: command(hooks, "register", func(ctx context.Context, in RegisterUser) (Written[user.State], error) {
			return written(s.Register(ctx, in.Profile, in.Request))
		}),
		RevokeToken: command(hooks, "revoke_token", func(ctx context.Context, in RevokeToken) (eventlog.Position, error) {
			return s.RevokeToken(ctx, in.UserID, in.TokenID, in.ExpiresAt, in.Request)
		}),
		GrantRole: command(hooks, "grant_role", func(ctx context.Context, in GrantRole) (eventlog.Position, error) {
			return s.GrantRole(ctx, in.UserID, in.Role, in.Request)
		}),
		ChangeNotificationSettings: command(hooks, "change_notification_settings", func(ctx context.Context, in ChangeNotificationSettings) (Written[user.State], error) {
			return written(s.ChangeNotificationSettings(ctx, in.UserID, in.Settings, in.Request))
		}),
		PublishPremiere: command(hooks, "publish_premiere", func(ctx context.Context, in PublishPremiere) (Written[premiere.State], error) {
			return written(s.Premiere(ctx, in.Publish.ID, in.Publish, in.Request))
		}),
		ChangePremiere: command(hooks, "change_premiere", func(ctx context.Context, in ChangePremiere) (Written[premiere.State], error) {
			return written(s.Premiere(ctx, in.PremiereID, in.Change, in.Request))
		}),
		WithdrawPremiere: command(hooks, "withdraw_premiere", func(ctx context.Context, in WithdrawPremiere) (Written[premiere.State], error) {
			return written(s.Premiere(ctx, in.PremiereID, premiere.WithdrawFromSale{Now: s.clock.Now()}, in.Request))
		}),
		AddToCart: command(hooks, "add_to_cart", func(ctx context.Context, in AddToCart) (Written[cart.State], error) {
			return written(s.AddToCart(ctx, in.UserID, in.Item, in.Request))
		}),
		ChangeCartItem: command(hooks, "change_cart_item", func(ctx context.Context, in ChangeCartItem) (Written[cart.State], error) {
			return written(s.ChangeCartItem(ctx, in.UserID, in.Item, in.Request))
		}),
		RemoveFromCart: command(hooks, "remove_from_cart", func(ctx context.Context, in RemoveFromCart) (Written[cart.State], error) {
			return written(s.RemoveFromCart(ctx, in.UserID, in.PremiereID, in.Request))
		}),
		Fill: command(hooks, "fill", func(ctx context.Context, in Fill) (Payment, error) {
			return s.Fill(ctx, in.UserID, in.Amount, in.Request)
		}),
		Withdraw: command(hooks, "withdraw", func(ctx context.Context, in Withdraw) (Payment, error) {
			return s.Withdraw(ctx, in.UserID, in.PremiereID, in.Hours, in.Amount, in.Request)
		}),
		Rent: command(hooks, "rent", func(ctx context.Context, in Rent) (OrderResult, error) {
			return s.Rent(ctx, in.UserID, in.Rent, in.Request)
		}),
		Checkout: command(hooks, "checkout", func(ctx context.Context, in Checkout) (OrderResult, error) {
			return s.Checkout(ctx, in.UserID, in.ExpectedTotal, in.Request)
		}),
		ChangeTerm: command(hooks, "change_term", func(ctx context.Context, in ChangeTerm) (TermResult, error) {
			return s.ChangeTerm(ctx, in.UserID, in.RentalID, in.Hours, in.Request)
		}),
		Cancel: command(hooks, "cancel", func(ctx context.Context, in Cancel) (TermResult, error) {
			return s.Cancel(ctx, in.UserID, in.RentalID, in.Request)
		}),
		SettleTopUp:   command(hooks, "settle_top_up", s.SettleTopUp),
		TopUpNotified: command(hooks, "top_up_notified", s.TopUpNotified),
		ExpireTopUp: command(hooks, "expire_top_up", func(ctx context.Context, in ExpireTopUp) (Settled, error) {
			return s.ExpireTopUp(ctx, in.UserID, in.Payment)
		}),
		Remind: command(hooks, "remind", func(ctx context.Context, in Remind) (eventlog.Position, error) {
			return s.Remind(ctx, in.RentalID, in.TermVersion)
		}),
		Expire: command(hooks, "expire", func(ctx context.Context, in Expire) (eventlog.Position, error) {
			return s.Expire(ctx, in.RentalID)
		}),
		User:         query(hooks, "user", s.Lookup().User),
		UserByEmail:  query(hooks, "user_by_email", s.Lookup().UserByEmail),
		CheckoutForm: query(hooks, "checkout_form", s.Lookup().PlanCheckout),
	}
}

// Validate reports the handlers left unset (a Handlers built by hand in a test).
func (h Handlers) Validate() error {
	v := reflect.ValueOf(h)
	for i := range v.NumField() {
		if v.Field(i).IsNil() {
			return fmt.Errorf("commands: handler %s is not set", v.Type().Field(i).Name)
		}
	}
	return nil
}

func command[In, Out any](hooks usecase.Hooks, name string, f func(context.Context, In) (Out, error)) usecase.Handler[In, Out] {
	return usecase.Decorate(name, usecase.Command, usecase.Handler[In, Out](usecase.Func[In, Out](f)), hooks)
}

func query[In, Out any](hooks usecase.Hooks, name string, f func(context.Context, In) (Out, error)) usecase.Handler[In, Out] {
	return usecase.Decorate(name, usecase.Query, usecase.Handler[In, Out](usecase.Func[In, Out](f)), hooks)
}

func written[S any](state S, pos eventlog.Position, err error) (Written[S], error) {
	return Written[S]{State: state, Position: pos}, err
}
