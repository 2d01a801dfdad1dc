#!/bin/bash
# Profile the Bun edge's hot detail path under wrk (bun --cpu-prof): origin on PGlite (demo), edge pinned to core 0, wrk on core 1.
# Then: node --import tsx bench/profile-top.ts /tmp/prof/bun/*.cpuprofile
set -e
cd "$(dirname "$0")/.."
D=$(mktemp -d)
DATABASE_URL= ORIGIN_DATA_DIR=$D DEMO_SHOPS=50 PORT=18789 LOG_LEVEL=warn node --import tsx origin/entry/node.ts > /tmp/bunprof-origin.log 2>&1 &
OP=$!
for i in $(seq 1 60); do curl -sf localhost:18789/healthz >/dev/null && break; sleep 0.5; done
rm -rf /tmp/prof/bun; mkdir -p /tmp/prof/bun
ORIGIN_URL=http://127.0.0.1:18789 PORT=18787 LOG_LEVEL=warn taskset -c 0 node_modules/.bin/bun --cpu-prof --cpu-prof-dir=/tmp/prof/bun edge/entry/bun.ts > /tmp/bunprof-edge.log 2>&1 &
EP=$!
for i in $(seq 1 60); do curl -sf localhost:18787/healthz >/dev/null && break; sleep 0.5; done
curl -s localhost:18787/v1/shops/s_demo_000001 > /dev/null
taskset -c 1 wrk -t1 -c64 -d6s --latency http://127.0.0.1:18787/v1/shops/s_demo_000001 | grep -E "Requests/sec|99%|50%"
kill -TERM $EP; wait $EP || true
kill -TERM $OP; wait $OP || true
rm -rf $D
ls -la /tmp/prof/bun
