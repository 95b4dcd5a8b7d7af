# make          build the Lua (TypeScriptToLua) and install the rock into ./.rocks
#               TARANTOOL=/path/to/bin/tarantool builds for that Tarantool (default: the one in PATH);
#               the same variable picks the Tarantool of make test, make run and the benchmarks
# make deps     install Debian packages and npm packages that are missing
# make test     everything: C tests (ASan/UBSan), generated-Lua check, busted specs in tarantool
# make run      start a local S3 server (Ceph RGW), run examples/quickstart.lua, stop the server
# make bench    the module side by side with curl, http.client and aws-cli (bench/README.md)
# make bench-quick   every benchmark workload at small sizes (part of make test)
SHELL := /bin/bash
TS_SOURCES := $(shell find src-ts -name '*.ts' 2>/dev/null) tsconfig.json package.json
C_SOURCES := $(shell find src-c -name '*.[ch]' 2>/dev/null) CMakeLists.txt rockspec/s3-scm-1.rockspec

TARANTOOL ?= tarantool
export TARANTOOL

.PHONY: all build deps lua rock test run bench bench-quick clean

all: build

build: deps rock

deps:
	@bash tools/deps.sh

# The generated Lua is committed; tstl never deletes stale files, so the build starts from empty.
lua/.stamp: $(TS_SOURCES)
	@npm run --silent build
	@touch $@

lua: lua/.stamp

# Always asked: the build is incremental per Tarantool, and TARANTOOL may differ from the last call.
rock: lua/.stamp
	@bash tools/build_rock.sh

test: build
	@bash test/run_all.sh

run: build
	@bash examples/run.sh

bench: build
	@bash bench/run.sh

bench-quick: build
	@bash bench/run.sh --quick

clean:
	rm -rf build build.luarocks .rocks lua/.stamp build.rock.log
