#!/usr/bin/env bash
# make run: a throwaway Ceph RGW on loopback, the quickstart against it, then the server is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/s3-run.XXXXXX)
trap 'bash test/server/rgw.sh stop "$dir/rgw" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
echo "starting a local S3 server (Ceph RGW) ..."
bash test/server/rgw.sh start "$dir/rgw" > "$dir/env"
set -a; source "$dir/env"; set +a
# The AWS variables are what s3.cfg falls back to; the quickstart reads them as any app would.
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY \
       AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_REGION=$S3_REGION
echo "S3 server at $S3_ENDPOINT"
"${TARANTOOL:-tarantool}" examples/quickstart.lua "$dir"
