import type { FastifyReply, FastifyRequest } from 'fastify';

/** Every error the API answers with, and its HTTP status: a closed set clients can switch on. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer; `requestId` matches the request's log lines. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  requestId: string;
}

/** Thrown by routes and hooks to answer with `code`; the app's one error handler writes the answer. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Headers the answer carries (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * Answers with `err` from a hook that runs on every route, Bull Board's included: there a thrown error
 * would meet that plugin's own error handler instead of the app's.
 */
export const replyWithError = (reply: FastifyReply, request: FastifyRequest, err: AppError) =>
  reply
    .status(err.status)
    .headers(err.headers)
    .send({ error: err.code, message: err.message, requestId: request.id } satisfies ErrorBody);

const CODE_OF_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
);

/** The code for an error Fastify or a plugin raised with only a status (schema validation, body limits, rate limits). */
export const codeOfStatus = (status: number): ErrorCode =>
  CODE_OF_STATUS.get(status) ?? (status >= 500 ? 'internal_error' : 'bad_request');
