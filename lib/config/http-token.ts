/**
 * An HTTP token (RFC 9110 §5.6.2: tchar), the grammar of header names, auth schemes and cookie
 * names.
 */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
