"""A rate-limited test-hosts run: each host's link sent no faster than the limit over the time its exchanges
spent communicating, and communication took at least 80 % of what the limit implies (the limit is what binds).

usage: rate.py DIR NAME TX_BEFORE TX_AFTER BITS_PER_SECOND"""
import json
import sys

d, name, before, after, limit = sys.argv[1:6]
limit = float(limit)
tx = [b - a for a, b in zip(map(int, open(before)), map(int, open(after)))]
ok = True
for r, sent in enumerate(tx):
    m = json.load(open(f"{d}/{name}-{r}.json"))
    comm = m["seconds_split"][0]["communicate"]
    floor = sent * 8 / limit
    print(f"host {r + 1}: sent {sent} B; communicating took {comm:.2f} s, the limit allows it in no less than "
          f"{floor:.2f} s ({sent * 8 / comm / 1e6:.1f} Mbit/s achieved)", file=sys.stderr)
    ok &= 0.8 * floor <= comm and sent * 8 / m["seconds"] <= limit * 1.02
sys.exit(0 if ok else 1)
