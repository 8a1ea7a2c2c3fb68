# Chance Video backend. `make run` serves the embedded default; `make test` is what CI runs.
GO       ?= go
PKGS     ?= ./...
BENCHTIME ?= 2s
# Pinned here rather than in go.mod: `go run pkg@version` builds it once into the build
# cache and keeps its dependencies out of the shop's module graph.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test e2e chaos bench bench-http lint build clean deploy-check

run:
	$(GO) run ./cmd/chance serve

test:
	$(GO) test -race -count=1 -timeout 9m $(PKGS)

# The storefront's customer journeys (buying; what follows payment) in Debian's chromium
# (apt-get install --no-install-recommends chromium); `make test` runs them too when chromium
# and e2e/node_modules are there. Screenshots of each step: e2e/artifacts/buy-NN-*.png and
# after-NN-*.png.
e2e:
	cd e2e && npm ci --no-audit --no-fund
	CHANCE_REQUIRE_BROWSER=1 $(GO) test -count=1 -run '^TestStorefrontJourneyInABrowser$$' -v ./cmd/chance

# The chaos test at length: CHAOS_ROUNDS kills of a running `chance serve` under
# concurrent keyed requests, then `chance audit verify` (`make test` runs 3 kills).
CHAOS_ROUNDS ?= 50
chaos:
	CHANCE_CHAOS_ROUNDS=$(CHAOS_ROUNDS) $(GO) test -race -count=1 -timeout 30m -run '^TestChaos' -v ./cmd/chance

# Benchmarks print their work size next to each figure (see README, Performance).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 30m $(PKGS)

# The whole server over HTTP (`chance loadtest` against `chance serve` on a fresh data
# folder), each figure next to its target; BENCH_DURATION, BENCH_CLIENTS, … in the script.
bench-http:
	GO=$(GO) ./scripts/bench-http.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

build:
	$(GO) build -o bin/chance ./cmd/chance

# Validates every compose file in deploy/ with the compose CLI (`config -q` needs no
# Docker engine): Compose v2's `docker compose` if the docker CLI has it, else the
# distribution's `docker-compose` (.ci/run installs it). The fleet files must also
# name the same services but for the event store's own.
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
COMPOSE_FILES ?= $(wildcard deploy/compose*.yaml)
deploy-check:
	@$(COMPOSE) version >/dev/null 2>&1 || { echo "deploy-check: no compose CLI (apt-get install docker-compose)"; exit 1; }
	@export CHANCE_JWT_SECRET="$${CHANCE_JWT_SECRET:-deploy-check-placeholder-of-32-bytes-or-more}"; \
	for f in $(COMPOSE_FILES); do \
	  echo "$(COMPOSE) -f $$f config -q"; \
	  $(COMPOSE) -f $$f config -q || exit 1; \
	done; \
	esdb=$$($(COMPOSE) -f deploy/compose.yaml config --services | grep -vx kurrentdb | sort); \
	pg=$$($(COMPOSE) -f deploy/compose.postgres-events.yaml config --services | sort); \
	[ "$$esdb" = "$$pg" ] || { echo "deploy-check: compose.yaml and compose.postgres-events.yaml name different services:"; \
	  echo "compose.yaml (less kurrentdb):" $$esdb; echo "compose.postgres-events.yaml:" $$pg; exit 1; }

clean:
	rm -rf bin data
