# Fjord: build, test, demo. Every target that needs system packages runs Tools/bootstrap first,
# which installs only what is missing.
SWIFT    ?= swift
PREFIX   ?= /usr/local
PACKAGES := Kernel Exchange Learn Quant RobustAgg Distributed ReasoningBench VIOpt ShiftAdapt NeuralOp XAI
TOOLS    := tensor learn quant robust-agg reasoning-bench vi-opt shift-adapt neural-op xai
# Several tools in one pipe would otherwise each start a thread per core inside OpenBLAS.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all bootstrap build release test test-mpi test-hosts bench-network demo install man bench fuzz standalone format lint clean check-cogniload check-shift check-xai check-mnist1d $(addprefix test-,$(PACKAGES))

all: build

bootstrap:
	@Tools/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release

# The whole suite: unit, CLI and pipeline tests (Swift Testing), then the MPI-versus-local check.
test: bootstrap
	$(SWIFT) build
	$(SWIFT) test
	Tests/mpi/local-vs-mpi

test-mpi: bootstrap
	Tests/mpi/local-vs-mpi

# By hand, as root: 4 test hosts (network namespaces, veth, a bridge, tc at 1 Gbit/s) against 4 local workers.
test-hosts: bootstrap
	Tests/hosts/hosts-vs-local

# By hand, as root (about 15 min): quantized training between 4 test hosts at 10 Gbit/s down to 100 Mbit/s, the
# time per step split and the time to a target accuracy, into out/network (Tools/hosts/network-bench).
bench-network: bootstrap
	$(SWIFT) build -c release --traits MPI --scratch-path .build-mpi --product quant
	Tools/hosts/network-bench "$$($(SWIFT) build -c release --traits MPI --scratch-path .build-mpi --show-bin-path)" out/network

# One package's tests, e.g. make test-Kernel.
$(addprefix test-,$(PACKAGES)): test-%: bootstrap
	$(SWIFT) test --filter '^$*(CLI)?Tests\.'

# The main job: every tool's reproduce/demo into out/, then out/index.html.
demo: release
	Tools/demo "$$($(SWIFT) build -c release --show-bin-path)" out

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	for t in $(TOOLS); do install -m 755 "$$($(SWIFT) build -c release --show-bin-path)/$$t" $(DESTDIR)$(PREFIX)/bin/; done
	if [ -d out/man ]; then install -d $(DESTDIR)$(PREFIX)/share/man/man1 && install -m 644 out/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

# Man pages from the argument parsers, into out/man.
man: build
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration debug
	mkdir -p out/man
	cp .build/plugins/GenerateManual/outputs/*/*.1 out/man/
	@ls out/man

# Each package's standalone manifest must build on its own (no hidden reliance on the monorepo).
standalone: bootstrap
	for p in $(PACKAGES); do $(SWIFT) build --package-path Packages/$$p --scratch-path .build-standalone-$$p || exit 1; done

# Benchmarks (measurements, never tests): package-benchmark for kernels, Tools/bench for peers.
bench: release
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark
	Tools/bench/pipe-throughput "$$($(SWIFT) build -c release --show-bin-path)"
	python3 Tools/bench/blas-fft.py
	python3 Tools/bench/numpy-qsgd.py

# reasoning-bench against the official CogniLoad generator (bring your own cogniload.py; run by hand):
#   make check-cogniload COGNILOAD=path/to/cogniload.py [PUZZLES=3]
PUZZLES ?= 3
check-cogniload: release
	Tools/check-cogniload "$(COGNILOAD)" $(PUZZLES) "$$($(SWIFT) build -c release --show-bin-path)"

# shift-adapt against abstention 0.1.3.1 (PyPI, scratch venv): BCTS, EM, BBSE, RLLS on identical inputs.
check-shift: release
	Tools/check-shift "$$($(SWIFT) build -c release --show-bin-path)"

# xai's metrics against scikit-learn and the anls package (PyPI, scratch venv) on identical inputs.
check-xai: release
	Tools/check-xai "$$($(SWIFT) build -c release --show-bin-path)"

check-mnist1d: release
	Tools/check-mnist1d "$$($(SWIFT) build -c release --show-bin-path)"

# libFuzzer over the npy, safetensors, quant-message, reasoning-bench record and xai JSON parsers; FUZZ_SECONDS each
# (default 120).
FUZZ_SECONDS ?= 120
fuzz: bootstrap
	Fuzz/run $(FUZZ_SECONDS)

# House style (.swift-format: 120 columns, as swift-nio): `make format` rewrites, `make lint` (run by CI) fails on
# any violation.
SWIFT_SOURCES := Package.swift Packages Tests Benchmarks/Package.swift Benchmarks/Benchmarks Fuzz/Targets
format:
	$(SWIFT) format format --in-place --parallel --recursive $(SWIFT_SOURCES)

lint:
	$(SWIFT) format lint --strict --parallel --recursive $(SWIFT_SOURCES)

clean:
	rm -rf .build .build-* out
