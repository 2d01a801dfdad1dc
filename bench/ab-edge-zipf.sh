#!/bin/bash
# The Bun edge of two checkouts side by side on the Zipf mix (bench/lib/zipf.lua: 80 % shop details
# over 2,000 demo shops, lists and main): each a standalone edge on its own memory store, filled from
# one PGlite origin (demo) and warmed until every shop answered 200; edges on core 0, the origin and
# wrk on core 1, rounds alternating. Make the old checkout with `git worktree add /tmp/old REF` and a
# node_modules link.
#   bench/ab-edge-zipf.sh /tmp/old .
set -e
OLD=$(cd "$1" && pwd); NEW=$(cd "${2:-.}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d)
cd "$(dirname "$0")/.."
DATABASE_URL= ORIGIN_DATA_DIR=$D DEMO_SHOPS=2000 PORT=18889 LOG_LEVEL=warn taskset -c 1 node --import tsx origin/entry/node.ts > /tmp/ab-origin.log 2>&1 &
OP=$!
for i in $(seq 1 240); do curl -sf localhost:18889/healthz >/dev/null && break; sleep 0.5; done
start_edge() { # dir port
  (cd $1 && ORIGIN_URL=http://127.0.0.1:18889 PORT=$2 LOG_LEVEL=warn taskset -c 0 "$ROOT/node_modules/.bin/bun" edge/entry/bun.ts > /tmp/ab-edge-$2.log 2>&1 &)
}
start_edge "$OLD" 18801
start_edge "$NEW" 18802
for p in 18801 18802; do
  for i in $(seq 1 60); do curl -sf localhost:$p/healthz >/dev/null && break; sleep 0.5; done
  for pass in $(seq 1 10); do
    out=$(seq 1 2000 | xargs -P 8 -I{} sh -c "curl -s -o /dev/null -w '%{http_code}\n' localhost:$p/v1/shops/s_demo_\$(printf %06d {})" | sort | uniq -c | tr '\n' ' ')
    echo "warm $p pass $pass: $out"
    [ "$(echo $out | awk '{print $1" "$2}')" = "2000 200" ] && break; sleep 2
  done
  curl -s -o /dev/null "localhost:$p/v1/shops?region=gangnam&category=chicken&limit=20"; curl -s -o /dev/null "localhost:$p/v1/main?region=gangnam"
done
for r in 1 2 3; do for p in 18801 18802; do
  echo "round $r $( [ $p = 18801 ] && echo "$OLD" || echo "$NEW" ) $(SHOPS=2000 taskset -c 1 wrk -t1 -c64 -d5s --latency -s bench/lib/zipf.lua http://127.0.0.1:$p/ | grep -E 'Requests/sec|  99%' | awk '{print $2}' | tr '\n' ' ')"
done; done
pkill -f "bun edge/entry/bun.ts" || true
kill $OP
rm -rf $D
