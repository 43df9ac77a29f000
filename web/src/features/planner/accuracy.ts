/** How close a forecast came: MAPE and R², as the back-test reports them. Pure. */

/** Mean absolute percentage error over the points whose actual is above 0 (a fraction); null without any. */
export function mape(actual: readonly number[], predicted: readonly number[]): number | null {
  const terms = actual.flatMap((a, i) => (a > 0 ? [Math.abs(a - predicted[i]!) / a] : []));
  return terms.length > 0 ? terms.reduce((s, v) => s + v, 0) / terms.length : null;
}

/** 1 − residual ÷ total sum of squares (around the actuals' mean); negative when the mean would have done better. */
export function rSquared(actual: readonly number[], predicted: readonly number[]): number {
  const mean = actual.reduce((s, v) => s + v, 0) / Math.max(actual.length, 1);
  let res = 0;
  let tot = 0;
  actual.forEach((a, i) => {
    res += (a - predicted[i]!) ** 2;
    tot += (a - mean) ** 2;
  });
  return tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
}
