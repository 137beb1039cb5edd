"""The model: a Spark ML Pipeline of standard stages only (assembler, scaler, classifier), so the whole
fitted pipeline is saved and loaded by mlflow.spark. Class imbalance is handled by a weight column."""

from __future__ import annotations

from typing import Dict, Sequence, Union

from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.classification import GBTClassifier, LogisticRegression, RandomForestClassifier
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.ml.param import Param
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

Hyperparameters = Dict[str, Union[int, float, str]]

WEIGHT_COLUMN = "class_weight"
LABEL_COLUMN = "tx_fraud"
# Set by build_pipeline itself; a --hyperparameter may not override them.
PIPELINE_COLUMN_PARAMS = frozenset({"featuresCol", "labelCol", "weightCol"})

MODELS = {
    "logistic_regression": LogisticRegression,
    "random_forest": RandomForestClassifier,
    "gbt": GBTClassifier,
}

# Trees get 1024 bins instead of Spark's 32: with 32 quantile bins no split lands near the scenario-1 rule
# (amount > 220, the top ~0.5 % of amounts), which cost 0.2 of average precision on the handbook data.
DEFAULT_HYPERPARAMETERS: Dict[str, Hyperparameters] = {
    "logistic_regression": {"maxIter": 100, "regParam": 0.0001, "elasticNetParam": 0.0},
    "random_forest": {"numTrees": 100, "maxDepth": 10, "minInstancesPerNode": 5, "maxBins": 1024, "seed": 0},
    "gbt": {"maxIter": 50, "maxDepth": 5, "stepSize": 0.1, "maxBins": 1024, "seed": 0},
}


def hyperparameters_for(model: str, overrides: Hyperparameters) -> Hyperparameters:
    if model not in MODELS:
        raise ValueError("unknown model {!r}: use one of {}".format(model, ", ".join(sorted(MODELS))))
    # Params are class attributes: readable without a SparkContext, so arguments are checked before Spark.
    estimator = MODELS[model]
    allowed = {name for name in dir(estimator) if isinstance(getattr(estimator, name), Param)}
    unknown = sorted(set(overrides) - (allowed - PIPELINE_COLUMN_PARAMS))
    if unknown:
        raise ValueError(
            "unknown hyperparameter(s) for {}: {} (the column parameters {} are set by the job)".format(
                model, ", ".join(unknown), ", ".join(sorted(PIPELINE_COLUMN_PARAMS))
            )
        )
    merged = dict(DEFAULT_HYPERPARAMETERS[model])
    for name, value in overrides.items():
        try:
            # Spark's own converter for the param: the same check the estimator makes, before Spark starts.
            getattr(estimator, name).typeConverter(value)
        except TypeError as error:
            raise ValueError(f"{name}={value!r}: {error}") from None
        merged[name] = value
    return merged


def build_pipeline(model: str, hyperparameters: Hyperparameters, feature_columns: Sequence[str]) -> Pipeline:
    classifier = MODELS[model](
        featuresCol="features", labelCol=LABEL_COLUMN, weightCol=WEIGHT_COLUMN, **hyperparameters
    )
    return Pipeline(
        stages=[
            VectorAssembler(inputCols=list(feature_columns), outputCol="raw_features"),
            StandardScaler(inputCol="raw_features", outputCol="features", withMean=True, withStd=True),
            classifier,
        ]
    )


def with_class_weight(df: DataFrame, fraud_weight: float) -> DataFrame:
    return df.withColumn(
        WEIGHT_COLUMN, F.when(F.col(LABEL_COLUMN) == 1, F.lit(float(fraud_weight))).otherwise(F.lit(1.0))
    )


def balanced_fraud_weight(train: DataFrame) -> float:
    """legit / fraud: both classes then weigh the same in the loss."""
    counts = {row[LABEL_COLUMN]: row["count"] for row in train.groupBy(LABEL_COLUMN).count().collect()}
    frauds, legit = counts.get(1, 0), counts.get(0, 0)
    if frauds == 0 or legit == 0:
        raise ValueError(
            f"the training window holds {frauds} fraud and {legit} legitimate transactions: both classes are "
            "needed; choose another --train-start or a longer --train-days"
        )
    return legit / frauds


def fraud_score() -> Column:
    """Probability of the fraud class, from the classifier's probability vector."""
    return vector_to_array(F.col("probability")).getItem(1)


def above_ties(score: float) -> float:
    """A threshold just above a score value (a quantile is one): rows scoring exactly that value are not
    flagged, whether the rule is evaluated as `score > t` in SQL or by Spark ML's classifier (logistic
    regression compares the margin with logit(t), which rounds differently at equality)."""
    return min(score + max(abs(score) * 1e-9, 1e-15), 1.0)  # nothing scores above 1 anyway


def with_decision_threshold(model: PipelineModel, threshold: float) -> PipelineModel:
    """The fitted classifier's `prediction` becomes the decision at the tuned threshold, so the logged model
    alerts exactly as the evaluation did: Spark predicts the class maximising probability / thresholds, and
    thresholds [1 - t, t] give fraud exactly when the fraud probability is strictly above t."""
    model.stages[-1].setThresholds([1.0 - threshold, threshold])
    return model
