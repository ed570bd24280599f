import { pino } from 'pino';

/** A silent logger unless LOG_LEVEL asks otherwise, for debugging a test. */
export const testLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
