// How many times a month an Airflow schedule fires: the basis of the ephemeral cluster's hours.
// Accepts Airflow's presets and five-field cron expressions (numbers, names, `*`, lists, ranges, steps).

import { cronRunsPerMonth } from "../config/cron";

export { cronRunsPerMonth };

// Over an average (Gregorian) year of 365.25 days, the same basis the cron count uses.
const PRESET_RUNS_PER_YEAR: Record<string, number> = {
    "@hourly": 365.25 * 24,
    "@daily": 365.25,
    "@midnight": 365.25,
    "@weekly": 365.25 / 7,
    "@monthly": 12,
    "@quarterly": 4,
    "@yearly": 1,
    "@annually": 1,
    "@once": 0,
};

/**
 * Average runs per month of an Airflow schedule (a preset or a cron expression). `null` or "None" means
 * the DAG runs only when triggered by hand, so the caller must say how often that happens.
 */
export function runsPerMonth(schedule: string | null, manualRunsPerMonth: number): number {
    if (schedule === null || schedule === "None") {
        return manualRunsPerMonth;
    }
    const preset = PRESET_RUNS_PER_YEAR[schedule.trim()];
    if (preset !== undefined) {
        return preset / 12;
    }
    return cronRunsPerMonth(schedule);
}
