package account

import "github.com/chance-video/chance/domain"

// Evolve records a fact in the state; it checks nothing. The balance is summed from
// amounts, so BalanceAfter in the events is a recorded fact an audit can verify. It
// returns a new state and never changes the one it is given.
func Evolve(s State, e domain.Event) State {
	switch e := e.(type) {
	case FundsAdded:
		s.Balance += e.Amount
		if d, _ := s.decided.Get(e.Payment); d == wasPending || d == wasExpired {
			s = s.decide(e.Payment, wasTopUpPaid).withTopUp(e.Payment, nil)
		} else {
			s = s.decide(e.Payment, wasMade)
		}
	case FundsWithdrawn:
		s.Balance -= e.Amount
		if e.Purpose.Kind == ForPremiere {
			s = s.decide(e.Payment, wasForPremiere).withRedeemable(e.Payment, &Payment{Amount: e.Amount, Purpose: e.Purpose})
		} else {
			s = s.decide(e.Payment, wasMade)
		}
		if v := e.Purpose.CartVersion; v > s.PaidCart.Version {
			s.PaidCart = PaidCart{Version: v, Order: e.Payment}
		}
	case FundsRefunded:
		s.Balance += e.Amount
		s = s.decide(e.Payment, wasMade)
	case PaymentRedeemed:
		if d, _ := s.decided.Get(e.Withdrawal); d == wasForPremiere {
			s = s.decide(e.Withdrawal, wasRedeemed).withRedeemable(e.Withdrawal, nil)
		}
		s = s.decide(e.Payment, wasMade)
	case PaymentDeclined:
		s = s.decide(e.Payment, wasDeclined) // no money moved: the balance stays
	case TopUpRequested:
		s = s.decide(e.Payment, wasPending).withTopUp(e.Payment, &TopUp{Amount: e.Amount, Provider: e.Provider,
			ProviderPayment: e.ProviderPayment, ConfirmationURL: e.ConfirmationURL, ExpiresAt: e.ExpiresAt})
	case TopUpCanceled:
		if e.Reason == CanceledExpired {
			s = s.decide(e.Payment, wasExpired) // kept: a late payment is still credited
		} else {
			s = s.decide(e.Payment, wasTopUpDeclined).withTopUp(e.Payment, nil)
		}
	}
	return s
}
