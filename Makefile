# Chance Video backend. `make run` serves the embedded default; `make test` is what CI runs.
GO       ?= go
PKGS     ?= ./...
BENCHTIME ?= 2s
# Pinned here rather than in go.mod: `go run pkg@version` builds it once into the build
# cache and keeps its dependencies out of the shop's module graph.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test chaos bench lint build clean

run:
	$(GO) run ./cmd/chance serve

test:
	$(GO) test -race -count=1 -timeout 9m $(PKGS)

# The chaos test at length: CHAOS_ROUNDS kills of a running `chance serve` under
# concurrent keyed requests, then `chance audit verify` (`make test` runs 3 kills).
CHAOS_ROUNDS ?= 50
chaos:
	CHANCE_CHAOS_ROUNDS=$(CHAOS_ROUNDS) $(GO) test -race -count=1 -timeout 30m -run '^TestChaos' -v ./cmd/chance

# Benchmarks print their work size next to each figure (see README, Performance).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 30m $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

build:
	$(GO) build -o bin/chance ./cmd/chance

clean:
	rm -rf bin data
