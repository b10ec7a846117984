/*
 * Redis URLs carry passwords. Whatever the CLI prints (the URL it uses, error messages, which may
 * quote the URL or a client's message) goes through these functions first.
 */

const MASK = "***";

/** The URL with its password (if any) replaced by `***`; the user name stays. Works on unparsable text too. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    // Not a URL the WHATWG parser takes: mask anything between "//user:" and "@".
    return url.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, `$1${MASK}@`);
  }
}

/** Every form in which the password of `url` may appear in a message (raw, percent-decoded). */
export function secretsOf(url: string | undefined): string[] {
  if (url === undefined) return [];
  const secrets = new Set<string>();
  const match = /\/\/[^/:@\s]*:([^@\s]+)@/.exec(url);
  if (match?.[1] !== undefined) secrets.add(match[1]);
  try {
    const password = new URL(url).password;
    if (password !== "") {
      secrets.add(password);
      secrets.add(decodeURIComponent(password));
    }
  } catch {
    // unparsable: the regex above is all we have
  }
  return [...secrets].filter((s) => s.length > 0);
}

/** `text` with every URL password masked and every known secret replaced by `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s]*@/gi, `$1${MASK}@`);
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
}
