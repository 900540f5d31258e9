# Hospital Management System — developer and CI entry points.
# `make test` runs everything (vet/format checks, unit + store + handler tests,
# browser tests); CI runs `make check-generated` before it (see .ci/run).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
# Go 1.27.3: go1.26.8's standard library has vulnerabilities this code reaches (make
# vulncheck), fixed only in newer releases. Machines here start on their own Go with
# GOTOOLCHAIN=local, so every target asks for the release; the go command fetches it from
# the module proxy once (about 76 MB).
export GOTOOLCHAIN := go1.27.3
NPM      ?= npm
CHROMIUM ?= /usr/bin/chromium

# playwright-go drives the npm playwright-core package (pinned in package.json to
# the version playwright-go expects) with the system node, instead of downloading
# its own driver and browsers. PLAYWRIGHT_DRIVER_PATH/package must be playwright-core.
PLAYWRIGHT_DRIVER_PATH ?= $(CURDIR)/.playwright
PLAYWRIGHT_NODEJS_PATH ?= $(shell command -v node)
export PLAYWRIGHT_DRIVER_PATH PLAYWRIGHT_NODEJS_PATH
export CHROMIUM

# Tailwind's browserslist nags about an old caniuse-lite; the output does not depend on it.
export BROWSERSLIST_IGNORE_OLD_DATA := 1

# npm writes node_modules/.package-lock.json on every install/ci.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: bench fuzz index-audit help run build generate css vendor lint check-generated test-unit e2e test playwright-driver bench-search bench-opd bench-ward bench-lab bench-pharmacy bench-billing bench-areas seed-large

help:
	@echo "make run              start the server (seeds a demo hospital on first start)"
	@echo "make build            build bin/web"
	@echo "make generate         regenerate templ components (views/**/*_templ.go)"
	@echo "make css              build static/css/app.css with Tailwind"
	@echo "make vendor           copy htmx from node_modules into static/js"
	@echo "make lint             go vet, gofmt, templ fmt"
	@echo "make check-generated  fail if generated files (templ, css, htmx) are stale"
	@echo "make test-unit        go test -race ./..."
	@echo "make e2e              browser tests (playwright-go + Chromium)"
	@echo "make test             lint + test-unit + e2e"
	@echo "make vulncheck        govulncheck against a database built offline from golang.org/x/vulndb (CI runs it after make test)"
	@echo "make bench-search     patient search latency and DB commands at 2,000 and 20,000 patients"
	@echo "make bench-opd        OPD queue and consult pages with 300 visits today and 100,000 past visits"
	@echo "make bench            one report: every role's key pages and writes at c=1,10,50 on a generated hospital (BENCH_PROFILE=clinic|year; ~15 min on clinic); markdown + bench-results/report-<profile>.json"
	@echo "make bench-areas      every area's page benchmark below in turn (about 40 minutes); JSON in bench-results/"
	@echo "make seed-large       generate a year of a 300-bed hospital into HMS_DATA_DIR (./data; SEED_PROFILE=year|clinic, SEED=1)"
	@echo "make fuzz             run every fuzz target for FUZZTIME each (default 5s); corpora live in testdata/fuzz"
	@echo "make index-audit      list every query shape the store and handler tests send, and whether an index serves it"
	@echo "make bench-ward       ward board of a 40-bed ward (36 patients) with a year of past admissions"
	@echo "make bench-lab        lab worklist, order and results pages with 200 open orders and 200,000 past results"
	@echo "make bench-pharmacy   pharmacy pages with 2,000 drugs, 10,000 batches and 500,000 ledger entries"
	@echo "make bench-billing    billing account page of a patient with 2,000 charges (BENCH_CHARGES in the DB, 100,000 by default)"

run:
	$(GO) run ./cmd/web serve

build:
	$(GO) build -o bin/web ./cmd/web

# -path views: the generated code names its sources relative to views/
# (components/field.templ), the same as running templ generate inside views/.
generate:
	$(GO) tool templ generate -path views

# npm ci only when node_modules is missing or the lockfile changed.
$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci
	@touch $@

css: $(NODE_STAMP)
	npx tailwindcss -c tailwind.config.js -i static/css/input.css -o static/css/app.css --minify

vendor: $(NODE_STAMP)
	cp node_modules/htmx.org/dist/htmx.min.js static/js/htmx.min.js

lint:
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/
	@unformatted="$$(find . -name '*.go' -not -path './node_modules/*' -not -path './.git/*' -not -path './.playwright/*' -print0 | xargs -0 -r gofmt -l)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$unformatted"; exit 1; \
	fi
	@# templ fmt -fail would rewrite the files; compare its stdin/stdout output instead.
	@if templ="$$($(GO) tool -n templ 2>/dev/null)"; then \
		echo "templ fmt check: views"; bad=""; \
		while IFS= read -r -d '' f; do \
			"$$templ" fmt -stdin-filepath "$$f" < "$$f" | cmp -s - "$$f" || bad="$$bad $$f"; \
		done < <(find views -name '*.templ' -print0); \
		if [ -n "$$bad" ]; then \
			echo "templ fmt: these files need formatting (run 'go tool templ fmt views'):$$bad"; exit 1; \
		fi; \
	else \
		echo "templ tool not in go.mod: skipping templ fmt"; \
	fi

# Regenerates everything that is committed but produced by a tool (templ Go code,
# the Tailwind CSS, vendored htmx), then fails if the result differs from what is
# committed. templ runs first: Tailwind scans the views it produces.
check-generated:
	@$(MAKE) --no-print-directory generate
	@$(MAKE) --no-print-directory css vendor
	@if ! git diff --quiet -- views static; then \
		echo "ERROR: generated files are stale. Run 'make generate css vendor' and commit the result:"; \
		git --no-pager diff --stat -- views static; exit 1; \
	fi
	@if [ -n "$$(git status --porcelain -- views static)" ]; then \
		echo "ERROR: files under views/ or static/ are not committed (new generated files?). Run 'make generate css vendor' and commit:"; \
		git status --porcelain -- views static; exit 1; \
	fi
	@echo "generated files are up to date"

test-unit:
	$(GO) test -race -count=1 -timeout 30m ./...

# $(PLAYWRIGHT_DRIVER_PATH)/package -> node_modules/playwright-core, the driver
# playwright-go runs. An existing real driver at a custom path is left alone.
playwright-driver: $(NODE_STAMP)
	@test -f node_modules/playwright-core/cli.js || { echo "node_modules/playwright-core is missing: run npm ci"; exit 1; }
	@test -n "$(PLAYWRIGHT_NODEJS_PATH)" || { echo "node not found: install Node.js"; exit 1; }
	@if [ "$(PLAYWRIGHT_DRIVER_PATH)" = "$(CURDIR)/.playwright" ] || [ ! -e "$(PLAYWRIGHT_DRIVER_PATH)/package" ]; then \
		mkdir -p "$(PLAYWRIGHT_DRIVER_PATH)" && rm -f "$(PLAYWRIGHT_DRIVER_PATH)/package" && \
		ln -s "$(CURDIR)/node_modules/playwright-core" "$(PLAYWRIGHT_DRIVER_PATH)/package"; \
	fi
	@test -f "$(PLAYWRIGHT_DRIVER_PATH)/package/cli.js" || { echo "no playwright driver at $(PLAYWRIGHT_DRIVER_PATH)/package"; exit 1; }

e2e: playwright-driver
	@test -x "$(CHROMIUM)" || { echo "install chromium: apt-get install chromium"; exit 1; }
	$(GO) test -tags e2e -count=1 -timeout 20m ./e2e/

test: lint test-unit fuzz e2e

# Patient search over HTTP on the embedded engine (issue 3's measure). BENCH_SIZES and
# BENCH_REQUESTS override the defaults; results also go to bench-results/search.json.
# Each run compares against a baseline page (/account: the layout and the session only).
BENCH_SIZES    ?= 2000,20000
BENCH_REQUESTS ?= 300
bench-search:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite search -sizes $(BENCH_SIZES) -requests $(BENCH_REQUESTS) -json bench-results/search.json

# The OPD pages (issue 4's measure); results also go to bench-results/opd.json.
bench-opd:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite opd -requests $(BENCH_REQUESTS) -json bench-results/opd.json

# Every store and handler test package checks its own query shapes (storetest fails a
# package whose queries no declared index serves); this prints the union of them all.
index-audit:
	@rm -rf bench-results/index-audit
	HMS_INDEX_AUDIT_DIR=$(CURDIR)/bench-results/index-audit $(GO) test -count=1 ./store/... ./handlers/ ./cmd/...
	@sort -u bench-results/index-audit/*.txt | tee bench-results/index-audit.txt
	@echo "$$(sort -u bench-results/index-audit/*.txt | wc -l) query shapes; $$(sort -u bench-results/index-audit/*.txt | grep -c ' SCAN ' || true) not served by a declared index"

# Every parser of user input has a fuzz target; CI runs each briefly. Their committed
# corpora (testdata/fuzz/<target>) also run as plain tests in test-unit.
FUZZTIME ?= 5s
FUZZ_TARGETS := ./handlers:FuzzParseRupees ./store/patients:FuzzFold ./store/patients:FuzzNormalizePhone \
	./store/patients:FuzzSearch ./views/components:FuzzCode128 \
	./handlers:FuzzScannedAccession ./handlers:FuzzWholeUnits ./handlers:FuzzParseDiscount ./handlers:FuzzParseRangeLines \
	./store/lab:FuzzParse ./store/opd:FuzzQuantity
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg > /tmp/hms-fuzz.log 2>&1 || { cat /tmp/hms-fuzz.log; exit 1; }; \
	done

# The ward board of a 40-bed ward with a year of past admissions (issue 5's measure);
# results also go to bench-results/ward.json.
bench-ward:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite ward -requests $(BENCH_REQUESTS) -json bench-results/ward.json
bench-lab:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite lab -requests $(BENCH_REQUESTS) -json bench-results/lab.json
# The pharmacy pages (issue 7's measure): 2,000 drugs, 10,000 batches, 500,000 ledger
# entries; results also go to bench-results/pharmacy.json.
BENCH_PHARMACY_REQUESTS ?= 200
bench-pharmacy:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite pharmacy -requests $(BENCH_PHARMACY_REQUESTS) -json bench-results/pharmacy.json
# The billing desk's account page (issue 8's measure): a patient with 2,000 charges among
# BENCH_CHARGES in the database (1000000 for the issue's full size; the default keeps the
# run short). Results also go to bench-results/billing.json.
BENCH_CHARGES ?= 100000
BENCH_BILLING_REQUESTS ?= 100
bench-billing:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite billing -charges $(BENCH_CHARGES) -requests $(BENCH_BILLING_REQUESTS) -json bench-results/billing.json

# Every area's page benchmark in one run; each writes bench-results/<area>.json.
# govulncheck without vuln.go.dev (CI cannot reach it): tools/vulndb indexes the OSV files
# of the golang.org/x/vulndb module, which the module proxy serves, into .cache/vulndb.
# A canary module calling a known-vulnerable x/text proves that database works before the
# real scan. Fails on any vulnerability the code calls, in a module or in the Go standard
# library (fixed by moving GOTOOLCHAIN above to a newer release).
# Full report: go tool govulncheck -mode convert < .cache/vulncheck.json
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018
VULNDB_DIR     := $(CURDIR)/.cache/vulndb
.PHONY: vulncheck
vulncheck:
	$(GO) run ./tools/vulndb build -module golang.org/x/vulndb@$(VULNDB_VERSION) -out $(VULNDB_DIR)
	$(GO) tool govulncheck -C tools/vulndb/testdata/canary -db file://$(VULNDB_DIR) -format json . \
		| $(GO) run ./tools/vulndb triage -expect GO-2021-0113
	$(GO) tool govulncheck -db file://$(VULNDB_DIR) -format json ./... > .cache/vulncheck.json
	$(GO) run ./tools/vulndb triage < .cache/vulncheck.json
bench-areas: bench-search bench-opd bench-ward bench-lab bench-pharmacy bench-billing

# The one report (issue 10): a generated hospital (cached in bench-data/<profile>-<seed>,
# copied for each run), each role's key pages and writes at c=1, 10, 50 for
# BENCH_DURATION each, with the targets; BENCH_COMPARE=old.json prints the changes.
BENCH_PROFILE  ?= clinic
BENCH_SEED     ?= 1
BENCH_DURATION ?= 8s
BENCH_COMPARE  ?=
bench:
	@mkdir -p bench-results
	$(GO) run ./cmd/bench -suite report -profile $(BENCH_PROFILE) -seed $(BENCH_SEED) -duration $(BENCH_DURATION) \
		-json bench-results/report-$(BENCH_PROFILE).json $(if $(BENCH_COMPARE),-compare $(BENCH_COMPARE))

# A generated hospital in the server's data directory (empty, or holding only the demo).
SEED_PROFILE ?= year
SEED         ?= 1
seed-large:
	$(GO) run ./cmd/web seed --profile $(SEED_PROFILE) --seed $(SEED)
