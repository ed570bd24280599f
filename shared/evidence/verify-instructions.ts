/** What a campaign's bundle holds of the incidents linked to it; named only when it has some, so VERIFY.md names no file it lacks. */
const INCIDENTS = `
\`incidents/*/incident-report.json\` describes each report of an act on the ground (a news item, a police
statement) linked to the campaign: where and when it was published and captured, its text, each incident
read from it (act, place, postcode district, day, the sentence it was read from) and why it is linked (the
score, the reasons, and who linked it: \`auto\` for Vigil, \`user:<id>\` for an analyst). Its bytes as
captured are beside it (\`incidents/*/raw.*\`), and their SHA-256 is the one recorded at capture. A link is
a lead for investigators, not proof that the offer caused the act; \`report.html\` shows the campaign's
course from offer to claims to incidents in time order.
`;

/** VERIFY.md: how a recipient checks the bundle with standard tools alone. */
export const verifyInstructions = (
  fingerprint: string,
  has: { incidents?: boolean } = {},
) => `# Verifying this evidence bundle

You do not need Vigil to check this bundle: \`unzip\`, \`sha256sum\` and \`openssl\` (3.0 or later) suffice.
Run these commands in the folder where you unzipped the bundle.

1. The manifest is signed by the Vigil instance that captured the posts (Ed25519):

       openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig

   It must print \`Signature Verified Successfully\`.

2. The key is the instance's key. Its fingerprint (SHA-256 of the public key's DER) is:

       ${fingerprint}

   Compare it with the fingerprint the sender gave you through another channel (they read it with
   \`vigil keys show\`), and with:

       openssl pkey -pubin -in public-key.pem -outform DER | sha256sum

3. Every file is as listed. \`SHA256SUMS\` holds each file's SHA-256:

       sha256sum -c SHA256SUMS

   Every line must end in \`OK\`. SHA256SUMS itself is listed, with its hash, in the signed manifest:

       sha256sum SHA256SUMS
       grep '"path":"SHA256SUMS"' manifest.json

   The two hashes must be equal. Any file in the bundle that manifest.json does not list (other than
   manifest.json, manifest.sig and public-key.pem) was added after signing.

What the signature proves: the files are exactly what this Vigil instance exported. Where a post came from
is shown by its capture metadata (\`items/*/item.json\`, under \`versions\` → \`capture\`: URL fetched, time,
HTTP status and headers, the SHA-256 of the whole response), not by the signature. \`custody.json\` lists
who viewed, decided on and exported the items, with the hash of each audit entry. \`checkpoint.json\` is
the instance's signed checkpoint of its whole audit log as it stood when this bundle was exported (newest
entry, its hash, the row count): the instance's \`vigil audit verify --checkpoints checkpoint.json\` shows
that its log still holds that entry unchanged.
${has.incidents ? INCIDENTS : ''}
## Viewing the raw captures safely

\`items/*/v*/raw.*\`${has.incidents ? ' and \`incidents/*/raw.*\`' : ''} hold each post${has.incidents ? ' and report' : ''} exactly as its source served it: bytes written by the people the
evidence is about. An HTML page or an RSS feed can run script and fetch from the internet when a browser
opens it, telling its author that it was opened, when and from where. So they are stored as \`.txt\` (HTML,
XML, JSON and text, e.g. \`raw.html.txt\`) or \`.bin\` (anything else), and \`item.json\` gives each one's
original name and media type (\`versions\` → \`raw\`)${has.incidents ? ', as \`incident-report.json\` does for a report (\`raw\`)' : ''}. Read them in a text editor or with \`less\`; do not
rename them back or open them in a browser. To see one rendered, use a disposable virtual machine with no
network. \`report.html\` shows every post's text escaped and loads and runs nothing.
`;
