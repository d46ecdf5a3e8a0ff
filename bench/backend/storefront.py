r"""P5 without the lab: catalogue reads through the storefront image's nginx, anonymous
against signed in, side by side.

The release images on a private Docker network (the frontend's nginx proxying to the
backend's gunicorn, as on an app server) and a throwaway PostgreSQL, migrated and seeded;
wrk (2 threads, 50 connections) alternates anonymous rounds with rounds in which each
request carries the next of 50 shoppers' Bearer tokens. `make bench` measures the same
through the lab's load balancer (P5); this one needs no lab.

    PYTHONPATH=app/backend python -m ecomops_bench.backend.storefront \
        --tag TAG --out reports/bench/storefront.json
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from ecomops_bench import wrk
from ecomops_bench.backend.bench import BACKEND, container, seeded_database, served, wait_ready
from pgcluster import running_cluster

GOAL_RATIO, GOAL_P99_MS = 0.4, 100.0
_TOKENS = """
import json
from accounts.models import User
from rest_framework_simplejwt.tokens import RefreshToken
run = {run!r}
users = [User.objects.create_user(f"bench-{{run}}-{{n}}@example.com") for n in range({count})]
print("TOKENS", json.dumps([str(RefreshToken.for_user(u).access_token) for u in users]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tag", default=os.environ.get("IMAGE_TAG", "dev"))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    network = f"ecomops-test-storefront-bench-{uuid.uuid4().hex[:8]}"
    with running_cluster() as cluster, tempfile.TemporaryDirectory() as workdir:
        env = seeded_database(cluster, Path(workdir))
        shell = subprocess.run(
            [sys.executable, "manage.py", "shell"],
            input=_TOKENS.format(run=uuid.uuid4().hex[:6], count=args.connections),
            cwd=BACKEND, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        tokens = json.loads(shell.stdout.split("TOKENS ", 1)[1])
        subprocess.run(["docker", "network", "create", network], check=True, capture_output=True)
        try:
            on_network = ("--network", network)
            with (
                served(
                    f"ecommerce-backend:{args.tag}", cluster, env, [],
                    (*on_network, "--network-alias", "ecommerce-backend"),
                ),
                container([*on_network, f"ecommerce-frontend:{args.tag}"]) as storefront,
            ):  # fmt: skip
                url = f"http://{storefront}:3000/api/products"
                wait_ready(url)
                runs = {"anonymous": (url, None), "signed_in": (url, wrk.bearer_tokens(tokens))}
                results = wrk.alternate(runs, args.connections, args.duration, args.rounds)
        finally:
            subprocess.run(["docker", "network", "rm", network], check=False, capture_output=True)
    anonymous, signed_in = results["anonymous"], results["signed_in"]
    ratio = round(signed_in.ok_per_s / anonymous.ok_per_s, 2) if anonymous.ok_per_s else None
    summary = {
        "what": f"GET /api/products through the storefront image's nginx (no LB), wrk "
        f"{args.connections} connections, {args.rounds} alternating rounds of "
        f"{args.duration}s (medians)",
        "tag": args.tag,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "anonymous": anonymous.as_dict(),
        "signed_in": signed_in.as_dict(),
        "ratio": ratio,
        "goal": f"signed-in 2xx/s >= {GOAL_RATIO} x anonymous, signed-in p99 <= {GOAL_P99_MS:g} ms",
        "met": bool(ratio and ratio >= GOAL_RATIO and signed_in.p99_ms <= GOAL_P99_MS),
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
