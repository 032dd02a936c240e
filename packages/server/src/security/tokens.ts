/**
 * Random secrets the console hands out (API tokens, session ids, CSRF tokens, the setup token) and
 * the SHA-256 under which the bearer ones are stored: 32 random bytes make guessing hopeless, so a
 * plain fast hash is enough (unlike passwords, which need scrypt).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Bytes of randomness in every token: 256 bits. */
const TOKEN_BYTES = 32;

/** Prefix of API tokens; also lets redaction and secret scanners recognise them. */
export const API_TOKEN_PREFIX = 'gty_';
/** Prefix of the one-time setup token printed on first start. */
export const SETUP_TOKEN_PREFIX = 'gst_';

/** `prefix` + 32 random bytes as base64url (43 characters). */
export const randomToken = (prefix = ''): string => prefix + randomBytes(TOKEN_BYTES).toString('base64url');

export const newApiToken = (): string => randomToken(API_TOKEN_PREFIX);
export const newSetupToken = (): string => randomToken(SETUP_TOKEN_PREFIX);
export const newSessionId = (): string => randomToken();
export const newCsrfToken = (): string => randomToken();

/** A random row id (users, tokens). */
export const newId = (): string => randomUUID();

/** Lower-case hex SHA-256 of a UTF-8 string. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
