/** How a bundle names and writes its files. */

const EXTENSION: [RegExp, string][] = [
  [/html/, 'html'],
  [/json/, 'json'],
  [/xml/, 'xml'],
  [/text\/plain/, 'txt'],
];

/**
 * A raw capture is the attacker's bytes (an RSS item's XML or a page's HTML runs script when a browser
 * opens it), so it is stored under a name no viewer renders or runs: `raw.html.txt`, `raw.xml.txt`,
 * `raw.json.txt`, `raw.txt`, or `raw.bin` for any other type. item.json (incident-report.json for an
 * incident report) keeps the name it would naturally have and its media type.
 */
export function rawFileName(contentType: string): { stored: string; original: string } {
  const ext = EXTENSION.find(([re]) => re.test(contentType))?.[1];
  if (ext === undefined) return { stored: 'raw.bin', original: 'raw.bin' };
  return { stored: ext === 'txt' ? 'raw.txt' : `raw.${ext}.txt`, original: `raw.${ext}` };
}

export const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
