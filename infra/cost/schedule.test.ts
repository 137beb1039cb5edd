import * as assert from "assert";
import { runsPerMonth } from "./schedule";

describe("runsPerMonth (Airflow schedule -> runs a month)", () => {
    const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 0.01, `${actual} != ${expected}`);

    it("presets", () => {
        close(runsPerMonth("@daily", 0), 30.4375);
        close(runsPerMonth("@hourly", 0), 730.5);
        close(runsPerMonth("@weekly", 0), 4.3482);
        close(runsPerMonth("@monthly", 0), 1);
        close(runsPerMonth("@once", 0), 0);
    });

    it("cron expressions agree with the presets they spell out", () => {
        close(runsPerMonth("0 2 * * *", 0), runsPerMonth("@daily", 0));
        close(runsPerMonth("0 0 1 * *", 0), 1);
        close(runsPerMonth("*/15 * * * *", 0), 4 * 24 * 30.4375);
        close(runsPerMonth("0 6,18 * * MON-FRI", 0), 43.5417); // weekday counts checked with Python's calendar
        close(runsPerMonth("30 1 * JAN,JUL 0", 0), 0.6875); // Sundays of January and July, 2024-2027
    });

    it("restricting both day fields matches either (cron's rule)", () => {
        // the 1st of each month OR every Sunday, at 00:00
        close(runsPerMonth("0 0 1 * 0", 0), 5.1875);
        close(runsPerMonth("0 0 1 * 7", 0), 5.1875); // 7 is Sunday too
    });

    it("no schedule means manual runs, as configured", () => {
        assert.strictEqual(runsPerMonth(null, 4), 4);
        assert.strictEqual(runsPerMonth("None", 2), 2);
    });

    it("rejects malformed schedules with the field named", () => {
        assert.throws(() => runsPerMonth("61 * * * *", 0), /schedule "61 \* \* \* \*": minute value "61" is outside 0-59/);
        assert.throws(() => runsPerMonth("0 0 * * * *", 0), /expected an Airflow preset \(@daily, \.\.\.\) or five cron fields/);
        assert.throws(() => runsPerMonth("0 0 * FOO *", 0), /month value "FOO"/);
        assert.throws(() => runsPerMonth("*/0 * * * *", 0), /minute step "0" must be a positive integer/);
    });
});
