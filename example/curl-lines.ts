/**
 * The shell lines the demo prints: each works when pasted into bash or zsh, in order (the
 * first one stores the token in $TOKEN for the others): log in, call, refresh, verify, log out,
 * call again (refused), the JWKS. README.md shows the same lines for port 3000, and the demo
 * spec checks that both agree. Form bodies keep them free of nested JSON quoting; the obtain
 * line shows the JSON form. `-w '\n'` ends each answer with a newline.
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
    `TOKEN=$(curl -s -X POST ${base}/auth/token/refresh -d "token=$TOKEN" | sed -E 's/.*"token":"([^"]+)".*/\\1/'); echo "$TOKEN"`,
    `curl -s -w '\\n' -X POST ${base}/auth/token/verify -d "token=$TOKEN"`,
    `curl -s -w '\\n' -X POST ${base}/auth/token/blacklist -H "Authorization: Bearer $TOKEN"`,
    `curl -s -w '\\n' ${base}/me -H "Authorization: Bearer $TOKEN"`,
    `curl -s -w '\\n' ${base}/.well-known/jwks.json`,
  ];
}
