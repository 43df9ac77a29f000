/** An error whose message is fit for the browser: the product's own words, nothing internal. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}
