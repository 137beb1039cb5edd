// Keys of `fraud-mlops:pipeline` for the DAG's scoring and monitoring tasks, rendered into pipeline.json
// (`scoring`, `monitoring`). Pure; the one place their defaults live; limits come from the contract.
import { contractErrors, schemaAt, schemaRange } from "./pipeline-contract";
import { Section } from "./reader";

export interface PipelineScoringConfig {
    /** Newest cleaned days each run scores with the champion. */
    readonly scoring: { readonly newestDays: number };
    readonly monitoring: {
        readonly experiment: string;
        readonly lookbackDays: number;
        /** Breach limits; the DAG's check_monitoring task fails above them. */
        readonly maxPsi: number;
        readonly maxFnr: number;
        readonly maxFpr: number;
    };
}

export const PIPELINE_SCORING_DEFAULTS = {
    scoring: { newestDays: 1 },
    monitoring: {
        experiment: "fraud-monitoring",
        lookbackDays: 30,
        // 0.2: the usual "large shift" line of the population stability index.
        maxPsi: 0.2,
        // Degradation guards, not the business targets (FNR < 2 %, FPR < 5 %): no model meets those today
        // (jobs/fraud_jobs/train/README.md), so they would fail every run. The threshold is tuned to 5 % FPR
        // on the training window: twice that is a broken operating point; FNR above 50 % misses most fraud.
        maxFnr: 0.5,
        maxFpr: 0.1,
    },
} as const satisfies PipelineScoringConfig;

const MONITORING = "/properties/monitoring/properties";
const MLFLOW_NAME = new RegExp(schemaAt("/$defs/mlflowName").pattern as string);

/** The contract's own rule for a threshold (range, type), worded by ajv. */
function thresholdProblem(field: "maxPsi" | "maxFnr" | "maxFpr"): (value: number) => string | undefined {
    return (value) => contractErrors(value, `${MONITORING}/${field}`)[0]?.message;
}

export function parsePipelineScoring(section: Section): PipelineScoringConfig {
    const scoring = section.child("scoring");
    const monitoring = section.child("monitoring");
    const defaults = PIPELINE_SCORING_DEFAULTS.monitoring;
    const experiment = monitoring.string("experiment", defaults.experiment);
    if (!MLFLOW_NAME.test(experiment)) {
        monitoring.fail("experiment", `must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (got ${JSON.stringify(experiment)})`, JSON.stringify(defaults.experiment));
    }
    return {
        scoring: { newestDays: scoring.integer("newestDays", PIPELINE_SCORING_DEFAULTS.scoring.newestDays, schemaRange("/properties/scoring/properties/newestDays")) },
        monitoring: {
            experiment,
            lookbackDays: monitoring.integer("lookbackDays", defaults.lookbackDays, schemaRange(`${MONITORING}/lookbackDays`)),
            maxPsi: monitoring.number("maxPsi", defaults.maxPsi, thresholdProblem("maxPsi")),
            maxFnr: monitoring.number("maxFnr", defaults.maxFnr, thresholdProblem("maxFnr")),
            maxFpr: monitoring.number("maxFpr", defaults.maxFpr, thresholdProblem("maxFpr")),
        },
    };
}
