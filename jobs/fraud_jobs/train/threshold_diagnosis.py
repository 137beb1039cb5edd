"""Why does the operating point miss? A measurement aid, not part of the job (train README, "Why the test
FPR missed the target"). On one cleaned `course` sample (bench-threshold.sh's windows: training from
2019-10-12, 7-day delay, logistic regression): the final model scored on the training window, the gap and the
test week; the test FPR of cards not known to be compromised for thresholds from different populations and
windows (some use labels no deployed model has: marked leak / ORACLE); the test FPR's binomial and clustered
standard errors and its daily values.

    python -m fraud_jobs.train.threshold_diagnosis <cleaned parquet> <out.json>"""

import datetime as dt
import json
import math
import sys

from pyspark.sql import functions as F

from fraud_jobs.common.spark import build_spark_session
from fraud_jobs.features.build import add_delay_free_features, add_delayed_features
from fraud_jobs.features.time_columns import epoch_day
from fraud_jobs.train.evaluation import SCORE
from fraud_jobs.train.pipeline import above_ties, hyperparameters_for
from fraud_jobs.train.protocol import Protocol, day_number
from fraud_jobs.train.run import TrainingConfig, _fit, materialized, read_window, score

data, out = sys.argv[1], sys.argv[2]
spark = build_spark_session("diag", local=True)
spark.sparkContext.setLogLevel("ERROR")
protocol = Protocol(dt.date(2019, 10, 12))
config = TrainingConfig(protocol, "logistic_regression", hyperparameters_for("logistic_regression", {}))
cleaned = spark.read.parquet(data)
features = materialized(add_delayed_features(add_delay_free_features(read_window(cleaned, config)), 7))
with_day = features.withColumn("event_day", epoch_day())
d = protocol.delay_days
train_start, train_end = day_number(protocol.train_start), day_number(protocol.train_end)
test_start, test_end = day_number(protocol.test_start), day_number(protocol.test_end)
model, _ = _fit(
    with_day.filter((F.col("event_day") >= train_start) & (F.col("event_day") < train_end)), config, None
)

first_fraud_any = (
    with_day.filter(F.col("tx_fraud") == 1).groupBy("customer_id").agg(F.min("event_day").alias("ff_any"))
)
first_fraud_book = (
    with_day.filter((F.col("tx_fraud") == 1) & (F.col("event_day") >= train_start))
    .groupBy("customer_id")
    .agg(F.min("event_day").alias("ff_book"))
)
fold_start = train_start - d - protocol.test_days
first_fraud_fold = (
    with_day.filter((F.col("tx_fraud") == 1) & (F.col("event_day") >= fold_start))
    .groupBy("customer_id")
    .agg(F.min("event_day").alias("ff_fold"))
)
scored = (
    score(
        model,
        with_day.filter((F.col("event_day") >= train_start) & (F.col("event_day") < test_end)),
        "terminal_id",
    )
    .join(first_fraud_any, "customer_id", "left")
    .join(first_fraud_fold, "customer_id", "left")
    .join(first_fraud_book, "customer_id", "left")
    # known: a labelled fraud of the card before the row's day minus the delay; book: counted from train start
    .withColumn("known_book", F.coalesce(F.col("ff_book") < F.col("event_day") - d, F.lit(False)))
    .withColumn("known_any", F.coalesce(F.col("ff_any") < F.col("event_day") - d, F.lit(False)))
    # the training window judged as the test window of the fold protocol before it (same rule, same length)
    .withColumn("known_fold", F.coalesce(F.col("ff_fold") < F.col("event_day") - d, F.lit(False)))
    .withColumn(
        "window",
        F.when(F.col("event_day") < train_end, "train")
        .when(F.col("event_day") < test_start, "gap")
        .otherwise("test"),
    )
    .cache()
)
legit = scored.filter(F.col("tx_fraud") == 0)
train_legit = legit.filter(F.col("window") == "train")
q = 0.95


def quantile(df):
    return above_ties(float(df.approxQuantile(SCORE, [q], 1e-4)[0]))


def last_days(n):
    return train_legit.filter(F.col("event_day") >= train_end - n)


candidates = {
    "current: train legit, all rows (in-sample)": quantile(train_legit),
    "train legit, not known (book rule, from train start)": quantile(
        train_legit.filter(~F.col("known_book"))
    ),
    "train legit, not known (any labelled fraud before)": quantile(train_legit.filter(~F.col("known_any"))),
    "train legit, not known (fold rule: train window as a fold's test)": quantile(
        train_legit.filter(~F.col("known_fold"))
    ),
    "train legit, not known (fold rule), last 3 days": quantile(last_days(3).filter(~F.col("known_fold"))),
    "train legit, last 3 days": quantile(last_days(3)),
    "train legit, last day": quantile(last_days(1)),
    "gap legit (out-of-sample, labels not known yet: leak)": quantile(legit.filter(F.col("window") == "gap")),
    "gap legit not known (book) (leak)": quantile(
        legit.filter((F.col("window") == "gap") & ~F.col("known_book"))
    ),
    "ORACLE test legit not known (book)": quantile(
        legit.filter((F.col("window") == "test") & ~F.col("known_book"))
    ),
    "ORACLE test legit all": quantile(legit.filter(F.col("window") == "test")),
}
report = {"seed_data": data, "candidates": {}}
for name, t in candidates.items():
    rows = (
        legit.groupBy("window")
        .agg(
            F.count(F.lit(1)).alias("legit"),
            F.sum(F.when(F.col(SCORE) > t, 1).otherwise(0)).alias("fp"),
            F.sum(F.when(~F.col("known_book"), 1).otherwise(0)).alias("legit_nb"),
            F.sum(F.when(~F.col("known_book") & (F.col(SCORE) > t), 1).otherwise(0)).alias("fp_nb"),
            F.sum(F.when(F.col("known_book"), 1).otherwise(0)).alias("legit_kb"),
            F.sum(F.when(F.col("known_book") & (F.col(SCORE) > t), 1).otherwise(0)).alias("fp_kb"),
        )
        .collect()
    )
    entry = {"threshold": t}
    for r in rows:
        w = r["window"]
        entry[w] = {
            "fpr_all_legit": r["fp"] / r["legit"],
            "fpr_not_known_book": r["fp_nb"] / r["legit_nb"] if r["legit_nb"] else None,
            "fpr_known_book": r["fp_kb"] / r["legit_kb"] if r["legit_kb"] else None,
            "legit": r["legit"],
            "legit_not_known": r["legit_nb"],
        }
    report["candidates"][name] = entry
    print(
        f"{name:60s} t={t:.5f}  "
        + "  ".join(
            f"{w}: all {entry[w]['fpr_all_legit']:.2%} notknown {entry[w]['fpr_not_known_book'] or 0:.2%} "
            f"known {entry[w]['fpr_known_book'] or 0:.2%}"
            for w in ("train", "gap", "test")
            if w in entry
        ),
        flush=True,
    )

# Test FPR noise at the current threshold: binomial and clustered by customer / terminal, and per day
t = candidates["current: train legit, all rows (in-sample)"]
judged = legit.filter((F.col("window") == "test") & ~F.col("known_book")).withColumn(
    "fp", (F.col(SCORE) > t).cast("int")
)
n = judged.count()
p = judged.agg(F.avg("fp")).first()[0]
se_binom = math.sqrt(p * (1 - p) / n)


def cluster_se(key):
    g = judged.groupBy(key).agg(F.count(F.lit(1)).alias("n"), F.sum("fp").alias("fp")).toPandas()
    resid = g["fp"] - p * g["n"]
    return math.sqrt((resid**2).sum() * len(g) / (len(g) - 1)) / n, len(g)


se_cust, n_cust = cluster_se("customer_id")
se_term, n_term = cluster_se("terminal_id")
per_day = (
    judged.groupBy("event_day")
    .agg(F.avg("fp").alias("fpr"), F.count(F.lit(1)).alias("n"))
    .orderBy("event_day")
    .toPandas()
)
report["noise"] = {
    "judged_legit": n,
    "fpr": p,
    "se_binomial": se_binom,
    "se_cluster_customer": se_cust,
    "customers": n_cust,
    "se_cluster_terminal": se_term,
    "terminals": n_term,
    "per_day_fpr": per_day["fpr"].tolist(),
}
print(json.dumps(report["noise"], indent=1))
# Score shift: the quantile level of the current threshold in each window/population
json.dump(report, open(out, "w"), indent=1)
