import { createHash, randomUUID, sign } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { Db } from '../db/client.js';
import { labelName } from '../domain/label-names.js';
import { appendAudit } from '../repositories/audit.repository.js';
import { custodyEntries, exportItemIds, loadEvidence, type Evidence } from '../repositories/evidence.repository.js';
import { VIGIL_VERSION } from '../version.js';
import { addIncidentEvidence, type IncidentEvidence } from './incident-evidence.js';
import {
  actTimeline,
  itemSection,
  postAct,
  reportFoot,
  reportHead,
  timelineEnd,
  timelineRow,
  type ActRow,
} from './report.js';
import { recordCheckpoint, signHead, takeCheckpoint, type CheckpointLog } from './audit-checkpoint.js';
import type { SigningKey } from './signing-key.js';
import { json, rawFileName } from './bundle-files.js';
import { imagesJson, imagesSection, readItemImages, type ItemImage } from './bundle-media.js';
import type { MediaStore } from '../media/media-store.js';
import { listPostMedia } from '../repositories/media.repository.js';
import { verifyInstructions } from './verify-instructions.js';

export { rawFileName } from './bundle-files.js';

export const BUNDLE_FORMAT = 'vigil-evidence-bundle/1';
/** Files of the signature layer, outside the manifest's file list (the manifest cannot list its own signature). */
export const SIGNATURE_FILES = ['manifest.json', 'manifest.sig', 'public-key.pem'] as const;

export interface ExportRequest {
  itemIds?: number[];
  campaignId?: number;
  createdBy: string;
  createdById: number | null;
  recipient: string;
  purpose: string;
}

export interface FileEntry {
  path: string;
  size: number;
  sha256: string;
}

export class NothingToExport extends Error {}

const BATCH = 200;
/** Entries queued in the archiver before the writer waits: keeps memory flat for 10,000-post campaigns. */
const MAX_QUEUED = 64;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

type Version = Evidence['versions'][number];

/** One kept version: where its raw bytes sit in the bundle, how it was captured, and the normalised post. */
function versionJson(e: Evidence, v: Version, name: ReturnType<typeof rawFileName>) {
  return {
    version: v.version,
    raw: {
      path: `v${v.version}/${name.stored}`,
      originalName: name.original,
      contentType: v.raw_content_type,
      sha256: v.raw_sha256,
    },
    capture: { ...v.capture, capturedAt: v.captured_at.toISOString() },
    post: {
      postKey: v.post_key,
      platform: v.platform,
      channel: e.item.post.channel,
      channelTitle: e.item.post.channelTitle,
      externalId: v.external_id,
      url: v.url,
      author: v.author,
      publishedAt: v.published_at?.toISOString() ?? null,
      editedAt: v.edited_at?.toISOString() ?? null,
      text: v.text,
      replyTo: v.reply_to,
      forwardedFrom: v.forwarded_from,
      media: v.media,
      context: v.context,
    },
  };
}

function classificationJson(c: Evidence['item']['classification']) {
  return {
    classifier: c.classifier,
    classifiedAt: c.classifiedAt.toISOString(),
    flagged: c.flagged,
    labels: c.labels,
    labelNames: c.labels.map(labelName),
    severity: c.severity,
    scores: c.scores,
    rationale: c.rationale,
    entities: c.entities,
  };
}

function reviewJson(e: Evidence) {
  return {
    status: e.item.status,
    severity: e.item.severity,
    createdAt: e.item.createdAt.toISOString(),
    assignedTo: e.assignedTo,
    decidedBy: e.decidedBy,
    decidedAt: e.item.decidedAt?.toISOString() ?? null,
    decisionReason: e.item.decisionReason,
    campaignId: e.item.campaignId,
    notes: e.notes.map((n) => ({ author: n.author, at: n.created_at.toISOString(), text: n.text })),
  };
}

/**
 * The files of one item: every kept version's raw bytes exactly as captured, and one item.json with the
 * capture metadata and normalised post of each version, the classification with its rationale, the
 * review (decision, notes) and the state at the source (deletion). Few files per item keep a
 * 10,000-post bundle quick to write and to check.
 */
function itemFiles(e: Evidence, images: ItemImage[]): [string, Buffer][] {
  const dir = `items/${e.item.id}`;
  const names = e.versions.map((v) => rawFileName(v.raw_content_type));
  const files: [string, Buffer][] = e.versions.map((v, i) => [`${dir}/v${v.version}/${names[i]!.stored}`, v.raw]);
  // Each image byte-exact, named by its SHA-256: the manifest lists it with size and hash like any file.
  for (const image of images) if (image.bytes) files.push([`${dir}/${image.path}`, image.bytes]);
  files.push([
    `${dir}/item.json`,
    json({
      reviewItemId: e.item.id,
      versions: e.versions.map((v, i) => versionJson(e, v, names[i]!)),
      images: imagesJson(images),
      mediaNote:
        'images of a flagged post are kept byte-exact under media/, named by SHA-256; other media (videos, documents) are references (URLs, file ids)',
      classification: classificationJson(e.item.classification),
      review: reviewJson(e),
      atSource: {
        deletedAt: e.deletedAt?.toISOString() ?? null,
        versionsSeen: e.seen?.version ?? null,
        firstSeenAt: e.seen?.first_seen_at.toISOString() ?? null,
        lastSeenAt: e.seen?.last_seen_at.toISOString() ?? null,
      },
    }),
  ]);
  return files;
}

/**
 * The review items a request names, oldest first. An item named but missing fails the whole export: a
 * bundle asked for items 1 and 999 must not quietly hold item 1 alone.
 */
export async function exportSelection(db: Db, sel: Pick<ExportRequest, 'itemIds' | 'campaignId'>): Promise<number[]> {
  const ids = await exportItemIds(db, sel);
  if (sel.campaignId !== undefined) {
    if (ids.length === 0) throw new NothingToExport(`campaign ${sel.campaignId} has no items`);
    return ids;
  }
  const found = new Set(ids);
  const missing = [...new Set(sel.itemIds ?? [])].filter((id) => !found.has(id));
  if (missing.length === 1) throw new NothingToExport(`item ${missing[0]} does not exist`);
  if (missing.length > 1) throw new NothingToExport(`items ${missing.join(', ')} do not exist`);
  if (ids.length === 0) throw new NothingToExport('no items named');
  return ids;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The zip being written: every file added through it is listed (path, size, SHA-256) for SHA256SUMS and the manifest. */
interface BundleZip {
  archive: ZipArchive;
  files: FileEntry[];
  createdAt: Date;
  add: (path: string, data: Buffer) => Promise<FileEntry>;
  /** Settles when `out` has taken the whole zip. */
  finished: Promise<void>;
}

/** What the bundle's items add to its manifest and report. */
interface BundleItems {
  summaries: Record<string, unknown>[];
  classifiers: Set<string>;
  /** A campaign's course from offer to act: its offers and claims, then the incidents linked to it. */
  acts: ActRow[];
}

/** The export is recorded before any byte leaves, with who receives it and why; returns the signed head of the audit log. */
async function recordExport(
  db: Db,
  req: ExportRequest,
  ids: number[],
  bundleId: string,
  key: SigningKey,
  checkpoints?: { file: string; log: CheckpointLog },
) {
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: req.createdBy,
      actorId: req.createdById,
      action: 'evidence.export',
      entity: 'evidence_bundle',
      entityId: bundleId,
      details: {
        recipient: req.recipient,
        purpose: req.purpose,
        items: ids.length,
        ...(req.campaignId !== undefined ? { campaignId: req.campaignId } : { itemIds: ids }),
      },
    }),
  );
  // The head including this export's own entry, signed: the recipient holds a copy of it that no one with
  // the database alone can take back, and the instance's checkpoint file gets it too.
  const checkpoint = (await signHead(db, key))!;
  if (checkpoints) recordCheckpoint(checkpoints.file, checkpoint, checkpoints.log);
  return checkpoint;
}

function openZip(out: Writable, createdAt: Date): BundleZip {
  const archive = new ZipArchive(process.env.VIGIL_BUNDLE_STORE ? { store: true } : { zlib: { level: 6 } });
  let queued = 0;
  archive.on('entry', () => {
    queued -= 1;
  });
  const finished = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('finish', resolve);
    out.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(out);
  const files: FileEntry[] = [];
  const add = async (path: string, data: Buffer): Promise<FileEntry> => {
    const entry = { path, size: data.length, sha256: sha256(data) };
    files.push(entry);
    archive.append(data, { name: path, date: createdAt });
    queued += 1;
    while (queued > MAX_QUEUED) await once(archive, 'entry');
    return entry;
  };
  return { archive, files, createdAt, add, finished };
}

/** Adds every item's files in batches, writing its timeline row and report section to files in `tmp` as it goes. */
async function addItems(
  db: Db,
  req: ExportRequest,
  ids: number[],
  zip: BundleZip,
  tmp: string,
  media?: MediaStore,
): Promise<BundleItems> {
  const timeline = createWriteStream(join(tmp, 'timeline'));
  const sections = createWriteStream(join(tmp, 'sections'));
  const items: BundleItems = { summaries: [], classifiers: new Set<string>(), acts: [] };
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = await loadEvidence(db, ids.slice(i, i + BATCH));
    const mediaRows = await listPostMedia(
      db,
      batch.flatMap((e) => e.versions.map((v) => v.post_key)),
    );
    for (const e of batch) {
      const keys = new Set(e.versions.map((v) => v.post_key));
      const images = await readItemImages(
        mediaRows.filter((m) => keys.has(m.post_key)),
        media,
      );
      const mine: FileEntry[] = [];
      for (const [path, data] of itemFiles(e, images)) mine.push(await zip.add(path, data));
      const act = req.campaignId !== undefined ? postAct(e) : undefined;
      if (act) items.acts.push(act);
      items.classifiers.add(e.item.classification.classifier);
      items.summaries.push({
        reviewItemId: e.item.id,
        platform: e.item.post.platform,
        channel: e.item.post.channel,
        externalId: e.item.post.externalId,
        versions: e.versions.map((v) => v.version),
        deletedAt: e.deletedAt?.toISOString() ?? null,
        severity: e.item.severity,
        labels: e.item.classification.labels,
      });
      await write(timeline, timelineRow(e));
      await write(sections, itemSection(e, mine, imagesSection(images, e.item.classification.rationale)));
    }
  }
  timeline.end();
  sections.end();
  await Promise.all([once(timeline, 'close'), once(sections, 'close')]);
  return items;
}

/** custody.json: the audit entries about these items and incidents, and about exports of them. */
async function addCustody(
  db: Db,
  ids: number[],
  bundleId: string,
  incidentIds: number[] | undefined,
  zip: BundleZip,
): Promise<void> {
  const idSet = new Set(ids.map(String));
  const custody = (await custodyEntries(db, ids, incidentIds)).filter(
    (a) =>
      a.entity === 'review_item' ||
      a.entity === 'incident' ||
      (a.entity === 'evidence_bundle' &&
        (a.entity_id === bundleId ||
          ((a.details.itemIds as number[] | undefined) ?? []).some((x) => idSet.has(String(x))))),
  );
  await zip.add(
    'custody.json',
    json({
      note: 'Audit entries about these items, oldest first. Each hash = SHA-256 of RFC 8785 JSON [prevHash, at, actor, actorId, action, entity, entityId, details]; prevHash links to the entry before it in the full log.',
      entries: custody.map((a) => ({
        id: a.id,
        at: a.at.toISOString(),
        actor: a.actor,
        actorId: a.actor_id,
        action: a.action,
        entity: a.entity,
        entityId: a.entity_id,
        details: a.details,
        prevHash: a.prev_hash,
        hash: a.hash,
      })),
    }),
  );
}

/** report.html, put together on disk from the head, the timeline and item sections in `tmp`, the incidents' sections and the foot. */
async function composeReport(
  tmp: string,
  head: Parameters<typeof reportHead>[0],
  fingerprint: string,
  acts: ActRow[],
  incidents: IncidentEvidence | undefined,
): Promise<string> {
  const file = join(tmp, 'report');
  const report = createWriteStream(file);
  await write(report, reportHead(head));
  for (const part of ['timeline', 'sections']) {
    for await (const chunk of createReadStream(join(tmp, part)))
      await write(report, (chunk as Buffer).toString('utf8'));
    if (part === 'timeline') await write(report, timelineEnd() + (incidents ? actTimeline(acts) : ''));
  }
  if (incidents?.sections) await write(report, incidents.sections);
  await write(report, reportFoot(fingerprint));
  report.end();
  await once(report, 'close');
  return file;
}

/** Adds a file on disk, streamed (a 10,000-post report stays out of memory), listed like any other. */
async function addFile(zip: BundleZip, path: string, file: string): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  zip.files.push({ path, size, sha256: hash.digest('hex') });
  zip.archive.append(createReadStream(file), { name: path, date: zip.createdAt });
}

/** The signature layer: SHA256SUMS and the manifest listing every file, its signature and the public key; returns the manifest once the zip is out. */
async function seal(zip: BundleZip, key: SigningKey, head: Record<string, unknown>): Promise<Buffer> {
  const { archive, files, createdAt } = zip;
  await zip.add('SHA256SUMS', Buffer.from(files.map((f) => `${f.sha256}  ${f.path}\n`).join('')));
  const manifest = Buffer.from(
    `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "files": [\n${files.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]\n}\n`,
  );
  archive.append(manifest, { name: 'manifest.json', date: createdAt });
  archive.append(sign(null, manifest, key.privateKey), { name: 'manifest.sig', date: createdAt });
  archive.append(key.publicKeyPem, { name: 'public-key.pem', date: createdAt });
  await archive.finalize();
  await zip.finished;
  return manifest;
}

/** report.html and VERIFY.md, which describe the items and incidents already in the zip. */
async function addReport(
  zip: BundleZip,
  tmp: string,
  { req, bundleId, items }: { req: ExportRequest; bundleId: string; items: number },
  key: SigningKey,
  acts: ActRow[],
  incidents: IncidentEvidence | undefined,
): Promise<void> {
  const report = await composeReport(
    tmp,
    {
      bundleId,
      createdAt: zip.createdAt.toISOString(),
      createdBy: req.createdBy,
      recipient: req.recipient,
      purpose: req.purpose,
      items,
    },
    key.fingerprint,
    acts,
    incidents,
  );
  await addFile(zip, 'report.html', report);
  await zip.add(
    'VERIFY.md',
    Buffer.from(verifyInstructions(key.fingerprint, { incidents: (incidents?.incidentIds.length ?? 0) > 0 })),
  );
}

const recordSealed = (
  db: Db,
  req: ExportRequest,
  bundleId: string,
  details: { manifestSha256: string; files: number },
) =>
  db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: req.createdBy,
      actorId: req.createdById,
      action: 'evidence.export.sealed',
      entity: 'evidence_bundle',
      entityId: bundleId,
      details,
    }),
  );

/**
 * Streams an evidence bundle (zip) to `out`: per item the raw bytes of every kept version, capture
 * metadata, the normalised post, classification with rationale, the review, the deletion mark; for a
 * campaign, the incident reports linked to it (incident-evidence.ts) and its course from offer to act in
 * the report; then custody.json, checkpoint.json (the audit log's signed head), report.html, VERIFY.md, SHA256SUMS, and
 * manifest.json signed with the instance's key. With `checkpoints`, the heads are also recorded there.
 */
export async function writeBundle(
  db: Db,
  req: ExportRequest,
  key: SigningKey,
  out: Writable,
  checkpoints?: { file: string; log: CheckpointLog },
  media?: MediaStore,
): Promise<{ bundleId: string; items: number; manifestSha256: string; files: number }> {
  const ids = await exportSelection(db, req);
  const bundleId = randomUUID();
  const createdAt = new Date();
  const checkpoint = await recordExport(db, req, ids, bundleId, key, checkpoints);
  const zip = openZip(out, createdAt);
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
  try {
    const { summaries, classifiers, acts } = await addItems(db, req, ids, zip, tmp, media);
    const incidents = req.campaignId !== undefined ? await addIncidentEvidence(db, req.campaignId, zip.add) : undefined;
    if (incidents) acts.push(...incidents.acts);
    await addCustody(db, ids, bundleId, incidents?.incidentIds, zip);
    // One line of JSON, so `vigil audit verify --checkpoints checkpoint.json` reads it like the checkpoint file.
    await zip.add('checkpoint.json', Buffer.from(`${JSON.stringify(checkpoint)}\n`));
    await addReport(zip, tmp, { req, bundleId, items: ids.length }, key, acts, incidents);
    const manifest = await seal(zip, key, {
      format: BUNDLE_FORMAT,
      bundleId,
      createdAt: createdAt.toISOString(),
      createdBy: req.createdBy,
      recipient: req.recipient,
      purpose: req.purpose,
      vigilVersion: VIGIL_VERSION,
      classifierVersions: [...classifiers],
      publicKeyFingerprint: key.fingerprint,
      items: summaries,
      ...(incidents ? { incidents: incidents.summaries } : {}),
    });
    const manifestSha256 = sha256(manifest);
    await recordSealed(db, req, bundleId, { manifestSha256, files: zip.files.length });
    if (checkpoints) await takeCheckpoint(db, { key, ...checkpoints });
    return { bundleId, items: ids.length, manifestSha256, files: zip.files.length };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
