/**
 * Attacker-written text made safe to show inside Vigil's own messages: no live links, and no way to pass
 * for Vigil's own lines. Chat and mail clients turn URLs, bare domains and addresses into links, so each is
 * defanged the usual way (hxxps://evil[.]example); line breaks of every kind start a quoted line; controls
 * that reorder or hide text are dropped.
 */

/** Every line break a client may render, so no line of the post escapes its quote mark. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** C0/C1 controls but tab, zero-width characters, bidi embeddings, overrides and isolates, the BOM. */
const INVISIBLE =
  /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const SCHEME = /\b([a-z][a-z0-9+.-]{1,30}):\/\//gi;
/** A dot (or a full-width one, which browsers read as a dot) between two parts of a name whose next part has a letter. */
const NAME_DOT = /(?<=[\p{L}\p{N}_-])[.\u3002\uff0e\uff61](?=[\p{L}\p{N}-]*\p{L})/gu;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

/** "https://evil.example/x" → "hxxps://evil[.]example/x"; other schemes lose their "://"; IPv4 dots too. */
export function defang(text: string): string {
  return text
    .replace(SCHEME, (_, scheme: string) =>
      /^https?$/i.test(scheme) ? `hxxp${scheme.slice(4).toLowerCase()}://` : `${scheme}[://]`,
    )
    .replace(IPV4, (ip) => ip.replaceAll('.', '[.]'))
    .replace(NAME_DOT, '[.]');
}

/** One line, defanged: for short fields the post's author controls (a channel title, a place named in the post). */
export const defangLine = (text: string) => defang(text.split(LINE_BREAK).join(' ').replace(INVISIBLE, '')).trim();

/** The text as a quoted block, every line marked "> " and defanged. */
export const quoteBlock = (text: string) =>
  text
    .split(LINE_BREAK)
    .map((line) => `> ${defang(line.replace(INVISIBLE, ''))}`.trimEnd())
    .join('\n');
