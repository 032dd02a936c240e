/**
 * Query-string fields shared by the realtime channels and the transfer routes: every value arrives
 * as a string, so flags and numbers are parsed here with messages naming what is accepted.
 */
import { z } from 'zod';

/** `true` / `false` / `1` / `0`; absent: `fallback`. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'expected true, false, 1 or 0' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

/** A whole number within `[min, max]` given as a string. */
export const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected at least ${min}` })
    .max(max, { message: `expected at most ${max}` });
