"""Train the bot-likeness model shipped as src/inconcert/signals/bot_model.json.

    .venv/bin/python scripts/train_bot_model.py [--seeds 101 102 103] [--held-out 104]

Writes scenarios with `inconcert simulate`'s generator, ingests them into throwaway
workspaces, computes the features exactly as `inconcert signals` does, and fits an
L2-penalised logistic regression (classes weighted equally) of "planted bot" against
every other Twitter account (organic users, the accounts the bots amplify, the older
hashtag-pushing accounts). The held-out seed's AUC is recorded in the file. Nothing is
downloaded; the same seeds give the same file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from inconcert.ingest.pipeline import ingest
from inconcert.signals.bots import FEATURES, features_sql
from inconcert.signals.creation import store_account_dates
from inconcert.simulate import write_scenario
from inconcert.store.workspace import Workspace

MODEL_PATH = Path(__file__).resolve().parents[1] / "src" / "inconcert" / "signals" / "bot_model.json"
LOG1P = {
    "posts_count", "followers", "following", "likes_count", "listed_count", "account_age_days", "posts_per_day",
    "followers_per_day", "following_per_day", "likes_per_day", "listed_per_day", "followers_following_ratio",
    "handle_length", "handle_digits", "name_length", "name_digits", "description_length", "n_posts_seen",
}
LOG = {"handle_likelihood"}
# A feature known for fewer training accounts than this share is left out of the model.
MIN_KNOWN_SHARE = 0.1
PENALTY = 1.0
SCALE = 0.5


def scenario_features(seed: int, work: Path) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (NaN where unknown) and labels of one scenario's Twitter accounts."""
    manifest = write_scenario(work / f"scenario-{seed}", seed=seed, scale=SCALE)
    truth = json.loads(manifest.ground_truth.read_text(encoding="utf-8"))
    bots = set(truth["bot_network"]["accounts"]["twitter-v2"]) | set(truth["bot_network"]["accounts"]["io-archive"])
    with Workspace.open(work / f"ws-{seed}") as workspace:
        for file in manifest.files:
            ingest(workspace, file.format, [file.path])
        con = workspace.con
        store_account_dates(con)
        columns = ", ".join(f'CAST("{name}" AS DOUBLE) AS "{name}"' for name in FEATURES)
        rows = con.execute(
            f"SELECT account_id, {columns} FROM ({features_sql()}) WHERE platform = 'twitter' ORDER BY account_id"
        ).fetchall()
    ids = [row[0] for row in rows]
    matrix = np.array([[np.nan if v is None else v for v in row[1:]] for row in rows], dtype=float)
    return transform(matrix), np.array([account in bots for account in ids], dtype=float)


def transform(matrix: np.ndarray) -> np.ndarray:
    out = matrix.copy()
    for j, name in enumerate(FEATURES):
        if name in LOG1P:
            out[:, j] = np.log1p(np.maximum(out[:, j], 0))
        elif name in LOG:
            out[:, j] = np.log(np.maximum(out[:, j], 1e-12))
    return out


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted, L2-penalised logistic regression on standardised features."""
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(weights * (np.logaddexp(0, z) - y * z))
        gradient = weights * (p - y)
        return nll + 0.5 * PENALTY * w @ w, np.append(x.T @ gradient + PENALTY * w, gradient.sum())

    theta = optimize.minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return theta[:-1], float(theta[-1])


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    ranks = stats.rankdata(scores)
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103])
    parser.add_argument("--held-out", type=int, default=104)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        parts = [scenario_features(seed, Path(tmp)) for seed in args.seeds]
        held_x, held_y = scenario_features(args.held_out, Path(tmp))
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    known = ~np.isnan(x)
    used = [j for j in range(x.shape[1]) if known[:, j].mean() >= MIN_KNOWN_SHARE and np.nanstd(x[:, j]) > 0]
    organic = y == 0
    impute = np.array([np.nanmedian(x[organic, j]) for j in used])
    filled = np.where(np.isnan(x[:, used]), impute, x[:, used])
    mean, scale = filled.mean(axis=0), filled.std(axis=0)
    coef, intercept = fit((filled - mean) / scale, y)

    def score(matrix: np.ndarray) -> np.ndarray:
        values = np.where(np.isnan(matrix[:, used]), impute, matrix[:, used])
        return 1 / (1 + np.exp(-(((values - mean) / scale) @ coef + intercept)))

    model = {
        "version": 1,
        "trained_by": "scripts/train_bot_model.py",
        "description": "Logistic model of planted bots against other Twitter accounts in simulated scenarios; "
        "value = coef * ((coalesce(transform(feature), impute) - mean) / scale), score = sigmoid(intercept + sum).",
        "training": {
            "seeds": args.seeds, "scale": SCALE, "accounts": int(y.size), "bots": int(y.sum()), "penalty": PENALTY,
            "training_auc": round(auc(score(x), y), 4), "held_out_seed": args.held_out,
            "held_out_auc": round(auc(score(held_x), held_y), 4),
        },
        "intercept": round(intercept, 6),
        "features": [
            {
                "name": FEATURES[j],
                "transform": "log1p" if FEATURES[j] in LOG1P else "log" if FEATURES[j] in LOG else "identity",
                "impute": round(float(impute[i]), 6), "mean": round(float(mean[i]), 6),
                "scale": round(float(scale[i]), 6), "coef": round(float(coef[i]), 6),
            }
            for i, j in enumerate(used)
        ],
    }
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(used)} features, held-out AUC {model['training']['held_out_auc']}")


if __name__ == "__main__":
    main()
