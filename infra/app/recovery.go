package app

import (
	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/checkpoints"
)

// recovery is the loop that completes interrupted flows while the shop serves. It keeps
// its checkpoint beside the forwarder's, in the read store, so that any process holding
// the recovery role's lease goes on from it.
func (a *App) recovery() *commands.Recovery {
	return &commands.Recovery{
		Service: a.Commands, Log: a.Events, Clock: a.Clock, Grace: a.Config.RecoveryGrace, Logger: a.Log,
		Checkpoints: a.followerCheckpoints(),
	}
}

// followerCheckpoints keep the forwarder's and recovery's checkpoints in the read
// store, taking over the files older versions kept in the data folder.
func (a *App) followerCheckpoints() checkpoints.Stored {
	return checkpoints.Stored{Store: a.Reads, Legacy: checkpoints.Files{Dir: a.Config.CheckpointDir()}}
}
