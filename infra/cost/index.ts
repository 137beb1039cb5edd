// The cost concern's surface for the program: the ledger behind the monthlyCostRub output and its settings.
export { CostLedger } from "./stack-output";
export { costSettingsOf } from "./stack-estimate";
