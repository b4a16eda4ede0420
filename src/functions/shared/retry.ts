/** Retry policy of every activity call: three attempts, 30 s then 60 s apart (durable timers between). */
import * as df from "durable-functions";

export const ACTIVITY_ATTEMPTS = 3;

export function activityRetry(): df.RetryOptions {
  const r = new df.RetryOptions(30_000, ACTIVITY_ATTEMPTS);
  r.backoffCoefficient = 2;
  r.maxRetryIntervalInMilliseconds = 5 * 60_000;
  return r;
}
