# The two commands a newcomer needs (see README.md):
#   make run    installs what is missing, builds (release) and starts the server
#   make test   installs what is missing, builds and runs every test through ctest
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BINARY := $(BUILD_DIR)/src/app/howlerops-server

.PHONY: run test build setup configure bench clean format asan tsan fuzz sanitize

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

run: configure
	@cmake --build --preset $(PRESET) --target howlerops-server
	$(BINARY) serve

test: build
	@ctest --preset $(PRESET)
	@bash scripts/check_no_skips.sh $(BUILD_DIR)

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

tsan:
	@$(MAKE) --no-print-directory test PRESET=tsan

# The sanitizer subset CI runs after `test` (scripts/sanitize.sh).
sanitize: setup
	@bash scripts/sanitize.sh

# Bounded fuzzing of every fuzz/ target (FUZZ_SECONDS per target, default 60).
fuzz: setup
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) bash scripts/fuzz.sh

bench: build
	@bash bench/health_vs_nginx.sh $(BINARY)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
