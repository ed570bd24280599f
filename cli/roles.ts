export const WORKER_KINDS = ['ingest', 'classify', 'alert', 'deliver', 'media'] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];
export type Role = WorkerKind | 'api';
