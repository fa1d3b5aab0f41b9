"""Bot-likeness: BotometerLite's profile features, a few behavioural ones, and a logistic
model that combines them into `bot_score`.

The features are computed in SQL from the canonical tables (one row per account); a
feature the data cannot give (a platform without follower counts, an account seen
posting once) is NULL, never zero. The model is a JSON file of standardisation constants
and coefficients (`bot_model.json`, written by `scripts/train_bot_model.py` from
scenarios the simulator generates) and becomes one SQL expression, so the score of any
account can be recomputed by hand. A missing feature takes the value typical of organic
accounts in training, so the absence of a feature never raises a score;
`n_features` says how many were known.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

# Handles and display names that the X transparency archives replaced by a base64 SHA-256
# digest: their length and digits say nothing about the account.
HASHED_HANDLE = "[A-Za-z0-9+/]{43}="

PROFILE_FEATURES = (
    "posts_count", "followers", "following", "likes_count", "listed_count", "account_age_days",
    "posts_per_day", "followers_per_day", "following_per_day", "likes_per_day", "listed_per_day",
    "followers_following_ratio", "handle_length", "handle_digits", "handle_likelihood",
    "name_length", "name_digits", "description_length", "verified", "default_profile", "default_profile_image",
)
BEHAVIOUR_FEATURES = ("n_posts_seen", "repost_share", "interval_regularity", "burstiness", "hour_entropy")
FEATURES = PROFILE_FEATURES + BEHAVIOUR_FEATURES
MIN_POSTS_FOR_RHYTHM = 3


def features_sql() -> str:
    """One row per account of `signals_account_dates` with every feature (NULL when unknown)."""
    return f"""
    WITH profile AS (
        SELECT platform, account_id,
               max(handle) AS raw_handle, max(display_name) AS display_name, max(description) AS description,
               max(followers) AS followers, max(following) AS following, max(posts_count) AS posts_count,
               max(likes_count) AS likes_count, max(listed_count) AS listed_count,
               bool_or(verified) AS verified, bool_or(default_profile) AS default_profile,
               bool_or(default_profile_image) AS default_profile_image
        FROM accounts GROUP BY ALL
    ),
    named AS (
        SELECT * REPLACE (CASE WHEN regexp_full_match(display_name, '{HASHED_HANDLE}') THEN NULL ELSE display_name END AS display_name),
               CASE WHEN regexp_full_match(raw_handle, '{HASHED_HANDLE}') THEN NULL ELSE raw_handle END AS handle
        FROM profile
    ),
    handles AS (SELECT DISTINCT lower(handle) AS handle FROM named WHERE handle IS NOT NULL AND handle <> ''),
    bigrams AS (
        SELECT handle, substr('^' || handle || '$', i, 2) AS bigram
        FROM handles, unnest(range(1, length(handle) + 2)) AS t(i)
    ),
    bigram_counts AS (SELECT bigram, count(*) AS n FROM bigrams GROUP BY bigram),
    prefix_counts AS (SELECT substr(bigram, 1, 1) AS prefix, sum(n) AS n, count(*) AS distinct_next FROM bigram_counts GROUP BY prefix),
    alphabet AS (SELECT count(*) AS size FROM bigram_counts),
    handle_likelihood AS (
        -- geometric mean of the add-one smoothed character-bigram probabilities, the
        -- bigram model fitted on every handle in the workspace (BotometerLite's
        -- screen_name_likelihood, with this data as the reference population)
        SELECT b.handle, exp(avg(ln((bc.n + 1.0) / (pc.n + alphabet.size)))) AS likelihood
        FROM bigrams b JOIN bigram_counts bc USING (bigram)
        JOIN prefix_counts pc ON pc.prefix = substr(b.bigram, 1, 1) CROSS JOIN alphabet
        GROUP BY b.handle
    ),
    activity AS (
        SELECT platform, account_id, ts, kind,
               epoch(ts) - lag(epoch(ts)) OVER (PARTITION BY platform, account_id ORDER BY ts) AS gap
        FROM posts WHERE ts IS NOT NULL
    ),
    typical_gap AS (SELECT platform, account_id, median(gap) AS median_gap FROM activity GROUP BY ALL),
    behaviour AS (
        SELECT a.platform, a.account_id, count(*) AS n_posts_seen,
               avg(CASE WHEN a.kind IN ('repost', 'forward') THEN 1.0 ELSE 0.0 END) AS repost_share,
               CASE WHEN count(*) >= {MIN_POSTS_FOR_RHYTHM} AND avg(a.gap) > 0 THEN
                   (stddev_pop(a.gap) - avg(a.gap)) / (stddev_pop(a.gap) + avg(a.gap)) END AS burstiness,
               CASE WHEN count(*) >= {MIN_POSTS_FOR_RHYTHM} AND any_value(g.median_gap) > 0 THEN
                   1.0 / (1.0 + median(abs(a.gap - g.median_gap)) / any_value(g.median_gap)) END AS interval_regularity
        FROM activity a JOIN typical_gap g USING (platform, account_id)
        GROUP BY a.platform, a.account_id
    ),
    hours AS (SELECT platform, account_id, hour(ts) AS h, count(*) AS n FROM posts WHERE ts IS NOT NULL GROUP BY ALL),
    hour_entropy AS (
        SELECT platform, account_id,
               CASE WHEN sum(n) >= {MIN_POSTS_FOR_RHYTHM} THEN
                   -sum(n * ln(n)) / sum(n) + ln(sum(n)) END / ln(least(24, sum(n))) AS hour_entropy
        FROM hours GROUP BY ALL
    ),
    reference AS (SELECT max(last_seen) AS latest FROM signals_account_dates),
    joined AS (
        SELECT d.platform, d.account_id, d.created_at, d.created_at_source, n.raw_handle AS handle, n.display_name,
               n.posts_count, n.followers, n.following, n.likes_count, n.listed_count,
               CASE WHEN d.created_at_source = 'profile' THEN
                   greatest(1.0, epoch(coalesce(d.last_seen, r.latest, d.created_at) - d.created_at) / 86400.0) END AS account_age_days,
               n.handle AS usable_handle, n.description,
               n.followers IS NOT NULL OR n.posts_count IS NOT NULL OR n.description IS NOT NULL AS has_profile,
               n.verified, n.default_profile, n.default_profile_image,
               b.n_posts_seen, b.repost_share, b.interval_regularity, b.burstiness, e.hour_entropy,
               l.likelihood AS handle_likelihood
        FROM signals_account_dates d CROSS JOIN reference r
        LEFT JOIN named n USING (platform, account_id)
        LEFT JOIN behaviour b USING (platform, account_id)
        LEFT JOIN hour_entropy e USING (platform, account_id)
        LEFT JOIN handle_likelihood l ON l.handle = lower(n.handle)
    )
    SELECT platform, account_id, created_at, created_at_source, handle, display_name,
           posts_count, followers, following, likes_count, listed_count, account_age_days,
           posts_count / account_age_days AS posts_per_day,
           followers / account_age_days AS followers_per_day,
           following / account_age_days AS following_per_day,
           likes_count / account_age_days AS likes_per_day,
           listed_count / account_age_days AS listed_per_day,
           CASE WHEN following IS NOT NULL THEN followers / greatest(following, 1) END AS followers_following_ratio,
           length(usable_handle) AS handle_length,
           length(regexp_replace(usable_handle, '[^0-9]', '', 'g')) AS handle_digits,
           handle_likelihood,
           length(display_name) AS name_length,
           length(regexp_replace(display_name, '[^0-9]', '', 'g')) AS name_digits,
           CASE WHEN has_profile THEN length(coalesce(description, '')) END AS description_length,
           CAST(verified AS INTEGER) AS verified, CAST(default_profile AS INTEGER) AS default_profile,
           CAST(default_profile_image AS INTEGER) AS default_profile_image,
           coalesce(n_posts_seen, 0) AS n_posts_seen, repost_share, interval_regularity, burstiness, hour_entropy
    FROM joined
    """


@lru_cache(maxsize=1)
def bot_model() -> dict:
    """The trained model shipped with the package (see scripts/train_bot_model.py)."""
    return json.loads(resources.files("inconcert.signals").joinpath("bot_model.json").read_text(encoding="utf-8"))


def _transformed(feature: dict) -> str:
    """The feature as the model reads it; DuckDB's `greatest` skips NULLs, so a missing
    value is caught before it can turn into a zero."""
    column = f'CAST("{feature["name"]}" AS DOUBLE)'
    value = {
        "log1p": f"ln(1 + greatest({column}, 0))",
        "log": f"ln(greatest({column}, 1e-12))",
    }.get(feature["transform"], column)
    return f"CASE WHEN {column} IS NULL THEN {feature['impute']!r} ELSE {value} END"


def score_sql(model: dict, source: str) -> str:
    """`source` with `bot_score` (the logistic model as one SQL expression) and `n_features`."""
    terms = [
        f"{f['coef']!r} * (({_transformed(f)} - {f['mean']!r}) / {f['scale']!r})"
        for f in model["features"]
    ]
    known = " + ".join(f'CAST("{name}" IS NOT NULL AS INTEGER)' for name in FEATURES if name != "n_posts_seen")
    logit = " + ".join([repr(model["intercept"]), *terms])
    return f"SELECT *, 1.0 / (1.0 + exp(-({logit}))) AS bot_score, {known} AS n_features FROM {source}"
