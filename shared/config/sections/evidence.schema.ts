import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { duration } from './primitives.js';

export const evidenceSchema = z
  .object({
    /**
     * The instance's Ed25519 signing key (PKCS#8 PEM), created on first use; keep it outside the repository.
     * Unset: `<keyDir>/<instance id>/evidence-ed25519.pem`, so two instances run by one user never share a key.
     */
    keyFile: z.string().min(1).optional(),
    /** Where per-instance keys live when keyFile is unset (one folder per instance id, mode 0700). */
    keyDir: z
      .string()
      .min(1)
      .default(join(homedir(), '.local', 'share', 'vigil')),
    /** Encrypts the key file at rest (AES-256) when set. */
    keyPassphrase: z.string().min(12).optional(),
  })
  .strict()
  .prefault({});

export const auditSchema = z
  .object({
    /**
     * Signed checkpoints of the audit log's head, JSON Lines, appended to and never rewritten (mode 0600).
     * Unset: `audit-checkpoints.jsonl` beside the evidence signing key. Keep it off the database's host if you can.
     */
    checkpointFile: z.string().min(1).optional(),
    /** How often the alert worker checkpoints the head (besides after exports and decisions). */
    checkpointEvery: duration.pipe(z.number().min(1_000)).default(60_000),
  })
  .strict()
  .prefault({});
