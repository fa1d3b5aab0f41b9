"""LSH banding as an SQL equi-join: items that share a (band, key) become candidate pairs.

Plain SQL in DuckDB's dialect, restricted to what SQLGlot carries to Spark SQL, like the
co-share join (DESIGN.md "Engines"). A key shared by very many items is boilerplate (a
wire credit, a stock sign-off): joining it all-pairs would be quadratic, so each engine
call says how big a bucket may get and what happens beyond.
"""

from __future__ import annotations


def window_pairs_sql(band_rows: str, max_bucket: int) -> str:
    """Document pairs whose windows share a band key, with the number of shared keys.
    `band_rows(band, key, item)`; buckets holding more than `max_bucket` items are
    skipped, as passim skips n-grams above its maxDF."""
    return f"""
        WITH buckets AS (
            SELECT band, key FROM {band_rows}
            GROUP BY band, key
            HAVING count(DISTINCT item) BETWEEN 2 AND {max_bucket}
        ),
        members AS (
            SELECT DISTINCT r.band, r.key, r.item FROM {band_rows} r
            JOIN buckets USING (band, key)
        )
        SELECT x.item AS item_a, y.item AS item_b, count(*) AS shared_keys
        FROM members x JOIN members y ON x.band = y.band AND x.key = y.key AND x.item < y.item
        GROUP BY x.item, y.item
    """


def bucket_pairs_sql(band_rows: str, max_bucket: int) -> str:
    """Item pairs sharing a band key (each item at most once in a bucket; most keys belong
    to one item only and are dropped by a grouped count before any window). Buckets up to `max_bucket` items give all their
    pairs; a bigger bucket (one text pasted thousands of times with small edits) gives
    each item paired with the bucket's first item and with its neighbour, which keeps the
    pair count linear and, after verification, still connects near-duplicates."""
    return f"""
        WITH shared AS (
            SELECT band, key FROM {band_rows} GROUP BY band, key HAVING count(*) >= 2
        ),
        ranked AS (
            SELECT r.band, r.key, r.item,
                   row_number() OVER (PARTITION BY r.band, r.key ORDER BY r.item) AS rank_in_bucket,
                   count(*) OVER (PARTITION BY r.band, r.key) AS bucket_size
            FROM {band_rows} r JOIN shared s ON r.band = s.band AND r.key = s.key
        ),
        small AS (SELECT * FROM ranked WHERE bucket_size <= {max_bucket}),
        big AS (SELECT * FROM ranked WHERE bucket_size > {max_bucket})
        SELECT x.item AS item_a, y.item AS item_b
        FROM small x JOIN small y ON x.band = y.band AND x.key = y.key AND x.rank_in_bucket < y.rank_in_bucket
        UNION
        SELECT x.item, y.item
        FROM big x JOIN big y ON x.band = y.band AND x.key = y.key AND y.rank_in_bucket = x.rank_in_bucket + 1
        UNION
        SELECT x.item, y.item
        FROM big x JOIN big y ON x.band = y.band AND x.key = y.key AND x.rank_in_bucket = 1 AND y.rank_in_bucket > 1
    """
