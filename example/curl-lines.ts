/**
 * The shell lines the demo prints: each works when pasted into bash or zsh, in order (the
 * first one stores the token in $TOKEN for the others). Form bodies keep them free of nested
 * JSON quoting; the obtain line shows the JSON form. `-w '\n'` ends each answer with a newline.
 *
 * @example
 * ```ts
 * console.log(curlLines('http://localhost:3000').join('\n'));
 * ```
 */
export function curlLines(base: string, user = { username: 'admin', password: 'password123' }): string[] {
  const credentials = JSON.stringify(user);
  return [
    `TOKEN=$(curl -s -X POST ${base}/auth/token -H 'Content-Type: application/json' -d '${credentials}' | sed -E 's/.*"token":"([^"]+)".*/\\1/'); echo "$TOKEN"`,
    `curl -s -w '\\n' ${base}/me -H "Authorization: Bearer $TOKEN"`,
    `curl -s -w '\\n' -X POST ${base}/auth/token/refresh -d "token=$TOKEN"`,
    `curl -s -w '\\n' -X POST ${base}/auth/token/verify -d "token=$TOKEN"`,
    `curl -s -w '\\n' ${base}/.well-known/jwks.json`,
  ];
}
