// The exports of `GET /contacts/export` without a socket, in a process of its own: the gateway
// as `npm start` builds it on DATABASE_URL answers `app.request` for EXPORT_ROWS contacts in
// each format, and this prints each format's MB/s as JSON (`inProcessExports`). Run by
// `bench/exports.ts`.
import { inProcessExports } from './exports.ts'

const rates = await inProcessExports(process.env.DATABASE_URL!, Number(process.env.EXPORT_ROWS))
process.stdout.write(JSON.stringify(rates))
