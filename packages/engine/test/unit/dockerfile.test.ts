// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text spells variables `${NAME}`
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerfileImages, dockerfileRegistries } from '../../src/dockerfile.ts';

test('FROM images: flags, AS names, stage references, scratch', () => {
  const text = [
    'FROM --platform=linux/amd64 golang:1.22 AS Build',
    'RUN go build ./...',
    'FROM build AS test', // an earlier stage (names are case-insensitive)
    'FROM scratch',
    `from registry.example:5000/team/base@sha256:${'a'.repeat(64)}`,
    'FROM golang:1.22', // duplicates count once
  ].join('\n');
  assert.deepEqual(dockerfileImages(text), [
    'golang:1.22',
    `registry.example:5000/team/base@sha256:${'a'.repeat(64)}`,
  ]);
  assert.deepEqual(dockerfileRegistries(text), ['docker.io', 'registry.example:5000']);
});

test('global ARGs are substituted; build args override their defaults', () => {
  const text = [
    'ARG REGISTRY=127.0.0.1:5000',
    'ARG BASE="${REGISTRY}/team/base"',
    'ARG TAG',
    'FROM ${BASE}:${TAG:-1.0} AS base',
    'FROM $REGISTRY/other:${TAG:+x}y',
    'ARG LATE=late.example', // after the first FROM: not usable in FROM
    'FROM ${LATE}/x',
  ].join('\n');
  assert.deepEqual(dockerfileImages(text), ['127.0.0.1:5000/team/base:1.0', '127.0.0.1:5000/other:y', '/x']);
  assert.deepEqual(dockerfileImages(text, { TAG: '2.0', REGISTRY: 'r.example' }), [
    'r.example/team/base:2.0',
    'r.example/other:xy',
    '/x',
  ]);
  // '/x' is not a valid reference: no registry for it.
  assert.deepEqual(dockerfileRegistries(text), ['127.0.0.1:5000']);
  // A build arg the Dockerfile does not declare changes nothing.
  assert.deepEqual(dockerfileImages('FROM ${UNDECLARED:-alpine}\n', { UNDECLARED: 'evil' }), ['alpine']);
});

test('COPY --from names an image unless it is a stage name or index', () => {
  const text = [
    'FROM alpine AS build',
    'COPY --from=build /a /a',
    'COPY --from=0 /b /b',
    'COPY --chown=1:1 --from=nginx:1.27 /etc/nginx /etc/nginx',
    'COPY --from=ghcr.io/team/tools:1 /bin/tool /bin/tool',
    'COPY src dst',
  ].join('\n');
  assert.deepEqual(dockerfileImages(text), ['alpine', 'nginx:1.27', 'ghcr.io/team/tools:1']);
  assert.deepEqual(dockerfileRegistries(text), ['docker.io', 'ghcr.io']);
});

test('continuations, comments, blank lines and the escape directive', () => {
  const backslash = [
    '# syntax=docker/dockerfile:1',
    '# a comment',
    'FROM \\',
    '  # inside',
    '',
    '  quay.io/x/y:1',
  ].join('\n');
  assert.deepEqual(dockerfileImages(backslash), ['quay.io/x/y:1']);
  const backtick = [
    '# escape=`',
    'FROM `',
    '  mcr.microsoft.com/windows/servercore:ltsc2022',
    'RUN dir c:\\',
  ].join('\r\n');
  assert.deepEqual(dockerfileRegistries(backtick), ['mcr.microsoft.com']);
  // A directive after an instruction is a plain comment: the escape stays `\`.
  assert.deepEqual(dockerfileImages('FROM a\n# escape=`\nFROM b `\n'), ['a', 'b']);
});
