"""The coordination reduction as a Spark application, for `spark-submit`: actions in
Parquet on any Hadoop-compatible path in, edges, evidence and viral objects in Parquet
out, with no workspace and nothing brought to the driver.

    spark-submit --master yarn --deploy-mode client \\
        "$(python -c 'import inconcert.engines.spark_job as j; print(j.__file__)')" \\
        --actions hdfs:///lake/actions/ --out hdfs:///lake/coordination/run1 \\
        --window 60 --kind retweet --min-participation 2

Input columns: `object_id`, `account_id`, `content_id`, a time as `ts` (timestamp) or
`timestamp_share` (seconds since 1970, CooRTweet's actions layout), and optionally
`kind` (rows without one take part whatever the kind, as in `inconcert ingest --format
actions`). The steps are the ones `inconcert coordination --engine spark` runs
(inconcert.coordination.pairs and .edges), so the edges are the same. See docs/engines.md.
"""

from __future__ import annotations

import argparse
import sys

from inconcert.coordination.edges import edges_by_kind_sql, edges_sql
from inconcert.coordination.pairs import DEFAULT_MAX_OBJECT_PAIRS, MICROS, PairingPlan
from inconcert.engines import Step
from inconcert.errors import UserError
from inconcert.ingest.actions import KINDLESS
OUTPUTS = ("edges", "evidence", "viral_objects")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="inconcert.engines.spark_job", description=__doc__.splitlines()[0])
    parser.add_argument("--actions", required=True, help="Parquet file or folder of actions (any Hadoop path).")
    parser.add_argument("--out", required=True, help="Folder to write edges/, evidence/, viral_objects/ into.")
    parser.add_argument("--window", type=float, required=True, help="Seconds within which two shares co-occur.")
    parser.add_argument("--kind", default="any", help="Kind of object to pair on, or any (default).")
    parser.add_argument("--min-participation", type=int, default=1)
    parser.add_argument("--max-object-accounts", type=int, default=None)
    parser.add_argument("--max-object-pairs", type=int, default=DEFAULT_MAX_OBJECT_PAIRS)
    parser.add_argument("--fast-window", type=float, default=None)
    parser.add_argument("--master", default=None, help="Master URL when not started by spark-submit.")
    return parser.parse_args(argv)


def shares_sql(columns: set[str], kind: str) -> str:
    """The `actions` view as shares: (kind, object_id, account_id, content_id, t in µs,
    own_object).
    Spark SQL: this adapts the job's input, the steps after it are the shared ones."""
    missing = {"object_id", "account_id", "content_id"} - columns
    if missing or not {"ts", "timestamp_share"} & columns:
        raise UserError(
            f"--actions: needs columns object_id, account_id, content_id and ts or timestamp_share "
            f"(missing {', '.join(sorted(missing)) or 'a time column'})."
        )
    t = "unix_micros(ts)" if "ts" in columns else f"CAST(timestamp_share AS BIGINT) * {MICROS}"
    given_kind = f"coalesce(nullif(kind, ''), '{KINDLESS}')" if "kind" in columns else f"'{KINDLESS}'"
    rows = (f"SELECT {given_kind} AS kind, object_id, account_id, content_id, {t} AS t, "
            f"object_id = content_id AS own_object FROM actions")
    if kind == "any":
        return rows
    return (f"SELECT '{kind}' AS kind, object_id, account_id, content_id, t, own_object "
            f"FROM ({rows}) AS a WHERE kind IN ('{kind}', '{KINDLESS}')")


def run(session, args: argparse.Namespace) -> dict[str, int]:
    """Run the reduction; returns the row count of each output."""
    from inconcert.engines.spark import SparkEngine

    actions = session.read.parquet(args.actions)
    actions.createOrReplaceTempView("actions")
    session.sql(shares_sql(set(actions.columns), args.kind)).createOrReplaceTempView("shares")
    kinds = [row[0] for row in session.sql("SELECT DISTINCT kind FROM shares ORDER BY kind").collect()]
    if not kinds:
        raise UserError(f"--actions {args.actions}: no actions of kind {args.kind}.")
    plan = PairingPlan(
        window_us=round(args.window * MICROS),
        min_participation=args.min_participation,
        max_object_accounts=args.max_object_accounts,
        max_object_pairs=args.max_object_pairs,
        fast_window_us=None if args.fast_window is None else round(args.fast_window * MICROS),
    )
    steps = [*plan.steps(), Step("edges_by_kind", edges_by_kind_sql()), Step("edges", edges_sql(kinds))]
    outputs = [*OUTPUTS, *(["fast_edges"] if args.fast_window is not None else [])]
    engine = SparkEngine(session, staging=args.out)
    engine.execute(steps, outputs, args.out.rstrip("/"))
    return {name: session.read.parquet(f"{args.out.rstrip('/')}/{name}").count() for name in outputs}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from inconcert.engines.spark import build_session

    try:
        session = build_session(args.master, app_name="inconcert-coordination")
        counts = run(session, args)
    except UserError as error:
        print(f"inconcert: {error}", file=sys.stderr)
        return 2
    print(", ".join(f"{count} {name}" for name, count in counts.items()) + f"; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
