package app

import (
	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/checkpoints"
)

// recovery is the loop that completes interrupted flows while the shop serves. It keeps
// its checkpoint beside the forwarder's, in the data folder (the embedded default has
// one process; production gives the recovery role a lease).
func (a *App) recovery() *commands.Recovery {
	return &commands.Recovery{
		Service: a.Commands, Log: a.Events, Clock: a.Clock, Grace: a.Config.RecoveryGrace, Logger: a.Log,
		Checkpoints: checkpoints.Files{Dir: a.Config.CheckpointDir()},
	}
}
