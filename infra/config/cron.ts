// Five-field cron expressions: parsed and counted here, in the config module, because the pipeline config
// validates schedules with it and infra/config imports nothing from other infra modules (cost reuses it).

interface CronField {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

function parseValue(text: string, field: CronField, schedule: string): number {
    const byName = field.names?.indexOf(text.toLowerCase()) ?? -1;
    const value = byName >= 0 ? byName + (field.name === "month" ? 1 : 0) : Number(text);
    if (!/^\d+$/.test(text) && byName < 0 || value < field.min || value > field.max) {
        throw new Error(`schedule "${schedule}": ${field.name} value "${text}" is outside ${field.min}-${field.max}`);
    }
    return value;
}

function parseField(text: string, field: CronField, schedule: string): { values: Set<number>; star: boolean } {
    const values = new Set<number>();
    for (const part of text.split(",")) {
        const [range, stepText] = part.split("/");
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!Number.isInteger(step) || step < 1) {
            throw new Error(`schedule "${schedule}": ${field.name} step "${stepText}" must be a positive integer`);
        }
        let [from, to] = [field.min, field.max];
        if (range !== "*") {
            const [low, high] = range.split("-");
            from = parseValue(low, field, schedule);
            to = high === undefined ? (stepText === undefined ? from : field.max) : parseValue(high, field, schedule);
        }
        for (let value = from; value <= to; value += step) {
            values.add(field.name === "day of week" && value === 7 ? 0 : value);
        }
    }
    return { values, star: text.startsWith("*") };
}

/**
 * Counts the firings of a cron expression over 2024-2027 (a whole leap cycle) and averages per month.
 * Throws on a malformed expression, naming the field (the config parser reuses it as the validator).
 */
export function cronRunsPerMonth(schedule: string): number {
    const parts = schedule.trim().split(/\s+/);
    if (parts.length !== 5) {
        throw new Error(`schedule "${schedule}": expected an Airflow preset (@daily, ...) or five cron fields`);
    }
    const [minutes, hours, days, months, weekdays] = parts.map((part, i) => parseField(part, FIELDS[i], schedule));
    const firingsPerDay = minutes.values.size * hours.values.size;
    let matchingDays = 0;
    for (let day = new Date(Date.UTC(2024, 0, 1)); day.getUTCFullYear() < 2028; day.setUTCDate(day.getUTCDate() + 1)) {
        if (!months.values.has(day.getUTCMonth() + 1)) {
            continue;
        }
        const domMatch = days.values.has(day.getUTCDate());
        const dowMatch = weekdays.values.has(day.getUTCDay());
        // cron's rule: when both day fields are restricted, either one matching is enough.
        const dayMatches = days.star || weekdays.star ? domMatch && dowMatch : domMatch || dowMatch;
        if (dayMatches) {
            matchingDays += 1;
        }
    }
    return (matchingDays * firingsPerDay) / 48;
}
