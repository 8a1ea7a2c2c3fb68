package esdbfake

import (
	"context"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
)

// featuresService answers the call the client makes right after connecting. Only the
// streams methods the fake implements are listed; without "batchappend" the client
// never tries BatchAppend.
type featuresService struct {
	serverfeatures.UnimplementedServerFeaturesServer
}

// version is the server release whose client-facing protocol the fake imitates.
const version = "24.10.0"

func (featuresService) GetSupportedMethods(context.Context, *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	const service = "event_store.client.streams.streams"
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: version,
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: service, MethodName: "read"},
			{ServiceName: service, MethodName: "append"},
		},
	}, nil
}
