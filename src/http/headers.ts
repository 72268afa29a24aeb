/** A header Node gives as a list when it was sent more than once: the first value counts. */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
