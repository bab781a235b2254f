/**
 * A connected registry's sync schedule: the 5-field cron expression ACR takes (`parent.syncProperties.schedule`),
 * its check ({@link checkCron}) and its occurrences, evaluated in UTC. Free of the Pulumi SDK: `fleet status` judges
 * sync ages with it without loading the SDK.
 *
 * Fields: minute hour day-of-month month day-of-week (0 = Sunday; 7 is Sunday too, as in Vixie cron). Each is `*`,
 * a number, a range `a-b`, a step `*\/n` or `a-b/n`, or a list of those. As in Vixie cron, when both day fields are
 * restricted a day matches either of them; when one is `*`, only the other decides.
 */
import type { Check } from "./validation";

/** The schedule that means "always online, sync every minute". */
export const continuousSchedule = "* * * * *";

const cronFields: [string, number, number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 6],
];

function cronFieldProblem(field: string, [label, min, max]: [string, number, number]): string | undefined {
  for (const part of field.split(",")) {
    const match = /^(?:\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return `the ${label} field "${field}" is not "*", a number, a range "a-b", a step "*/n" or a list of those`;
    }
    const numbers = [match[1], match[2]].filter((n) => n !== undefined).map(Number);
    if (numbers.some((n) => n < min || n > max)) {
      return `the ${label} field "${field}" is outside ${min}-${max}`;
    }
    if (numbers.length === 2 && numbers[0] > numbers[1]) {
      return `the ${label} field "${field}" has a range that ends before it starts`;
    }
    if (match[3] !== undefined && Number(match[3]) < 1) {
      return `the ${label} field "${field}" has a step below 1`;
    }
  }
  return undefined;
}

/** A cron expression with single spaces between its fields (`0  9 * * *` is the schedule `0 9 * * *`). */
export const normalizeCron = (value: string): string => value.trim().split(/\s+/).join(" ");

/** A 5-field cron expression (minute hour day-of-month month day-of-week), numbers only. */
export const checkCron: Check<string> = (value) => {
  const fields = value.trim().split(/\s+/);
  const problem =
    fields.length !== 5
      ? `it has ${fields.length} field(s)`
      : fields.map((field, i) => cronFieldProblem(field, cronFields[i])).find((p) => p !== undefined);
  return problem === undefined
    ? undefined
    : `"${value}" is not a valid cron schedule: ${problem}. Use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * *", or "${continuousSchedule}" to stay online.`;
};

/** A parsed schedule: the allowed values of each field. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Both day fields restricted: a day matches when either matches. */
  readonly eitherDay: boolean;
}

const ranges: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function expand(field: string, [min, max]: [number, number]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === "*"
        ? [min, max]
        : range.includes("-")
          ? (range.split("-").map(Number) as [number, number])
          : [Number(range), stepText === undefined ? Number(range) : max];
    for (let v = from; v <= to; v += step) {
      values.add(v);
    }
  }
  return values;
}

/** Parses a schedule; throws the schedule check's message when it is not a valid 5-field cron expression. */
export function parseCron(schedule: string): CronSchedule {
  const problem = checkCron(schedule);
  if (problem !== undefined) {
    throw new Error(problem);
  }
  const fields = normalizeCron(schedule).split(" ");
  const [minutes, hours, daysOfMonth, months, daysOfWeekRaw] = fields.map((f, i) => expand(f, ranges[i]));
  const daysOfWeek = new Set([...daysOfWeekRaw].map((d) => d % 7));
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    eitherDay: fields[2] !== "*" && fields[4] !== "*",
  };
}

/** The continuous schedule (`* * * * *`): always online, so its age limit is not a number of occurrences. */
export function isContinuous(schedule: string): boolean {
  return normalizeCron(schedule) === continuousSchedule;
}

function dayMatches(cron: CronSchedule, date: Date): boolean {
  const dom = cron.daysOfMonth.has(date.getUTCDate());
  const dow = cron.daysOfWeek.has(date.getUTCDay());
  if (cron.eitherDay) {
    return dom || dow;
  }
  return dom && dow;
}

/**
 * The `count` most recent occurrences at or before `at` (minute precision), newest first. Fewer when the schedule
 * has none in the `searchYears` before `at` (e.g. `0 0 31 2 *`). Skips whole months, days and hours that cannot
 * match, so a yearly schedule costs a few hundred steps, not a year of minutes.
 */
export function previousOccurrences(cron: CronSchedule, at: Date, count: number, searchYears = 5): Date[] {
  const found: Date[] = [];
  const t = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  const limit = at.getTime() - searchYears * 366 * 86_400_000;
  while (found.length < count && t.getTime() >= limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      // Last minute of the previous month.
      t.setUTCDate(1);
      t.setUTCHours(0, 0, 0, 0);
      t.setTime(t.getTime() - 60_000);
    } else if (!dayMatches(cron, t)) {
      t.setUTCHours(0, 0, 0, 0);
      t.setTime(t.getTime() - 60_000);
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCMinutes(0, 0, 0);
      t.setTime(t.getTime() - 60_000);
    } else {
      if (cron.minutes.has(t.getUTCMinutes())) {
        found.push(new Date(t));
      }
      t.setTime(t.getTime() - 60_000);
    }
  }
  return found;
}
