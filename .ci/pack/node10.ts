// Compiled by `tsc` with "module": "commonjs" and the default (node10) resolution, as NestJS and
// older projects are: every subpath's types must resolve (typesVersions).
import { createTwoFactor, MemoryStore } from 'factorkit';
import { createTwoFactorClient } from 'factorkit/client';
import { FactorkitChallenge } from 'factorkit/elements';
import { twoFactorRouter } from 'factorkit/express';
import { twoFactorPlugin } from 'factorkit/fastify';
import { twoFactorApp } from 'factorkit/hono';
import { createTwoFactorHttp } from 'factorkit/http';
import { PostgresStore } from 'factorkit/postgres';
import { qrSvg } from 'factorkit/qr';
import { RedisStore } from 'factorkit/redis';
import { SmtpMailer } from 'factorkit/smtp';
import { SqliteStore } from 'factorkit/sqlite';
import { storeContract } from 'factorkit/testing';
// Its types name no peer: they resolve without @simplewebauthn/server installed.
import { simpleWebauthn } from 'factorkit/webauthn';

export const used = [
  createTwoFactor,
  createTwoFactorClient,
  FactorkitChallenge,
  MemoryStore,
  twoFactorRouter,
  twoFactorPlugin,
  twoFactorApp,
  createTwoFactorHttp,
  PostgresStore,
  qrSvg,
  RedisStore,
  SmtpMailer,
  SqliteStore,
  storeContract,
  simpleWebauthn,
];
