# The rock built and tested on the official Tarantool 2.x image (Debian-based), against Ceph RGW
# from Debian's packages. Build: docker build -t tarantool-s3 .   Test: docker run --rm tarantool-s3
FROM tarantool/tarantool:2.11
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake make gcc libc6-dev pkg-config git curl python3 nodejs npm lua-busted \
      libcurl4-openssl-dev libssl-dev libexpat1-dev \
      ceph-mon ceph-osd radosgw ceph-common \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/s3
COPY . .
RUN npm ci --no-audit --no-fund && tt rocks make rockspec/s3-scm-1.rockspec || tarantoolctl rocks make rockspec/s3-scm-1.rockspec
CMD ["bash", "test/run_all.sh"]
