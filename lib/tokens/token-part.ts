/**
 * One base64url part of a compact JWS (header or payload) decoded as JSON, verifying nothing;
 * `notJson` says what a part that is not JSON becomes: an error, its text, or nothing. Callers
 * that read the payload before the signature is checked must verify the token before trusting it.
 */
export function decodePart(part: string, notJson: (text: string) => unknown): unknown {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return notJson(text);
  }
}
