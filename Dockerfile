# The rock installed with tt on the official Tarantool 3.x image, then the whole test suite there
# against Ceph RGW from the distribution's packages.
#   docker build -t tarantool-s3 .     docker run --rm tarantool-s3
# Every step is one the test matrix runs (.ci/run: Debian's 2.6, 2.11.9 and 3.8.0); this file
# was not built here (no Docker engine in this workplace).
FROM tarantool/tarantool:3
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake make gcc libc6-dev pkg-config git curl python3 nodejs npm lua-busted \
      libssl-dev libexpat1-dev libcurl4-openssl-dev valgrind openssl \
      ceph-mon ceph-osd radosgw ceph-common nginx awscli time \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/s3
COPY . .
# The image's tarantool, with its headers and its bundled libcurl; tt rocks has no tarantoolctl
# behind it. The Lua is committed, so the rock itself needs no Node.js (the tests do: npm ci).
RUN tt rocks make rockspec/s3-scm-1.rockspec \
 && tarantool -e "require('s3'); os.exit(0)"
CMD ["make", "test"]
