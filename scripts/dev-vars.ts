// `npm run dev` (predev): gives wrangler a `.dev.vars` with development secrets when there is
// none, reusing the ones `npm start` generated so both runtimes accept the same credentials. It
// says NODE_ENV=development, which lets the Worker write confirmation codes to the log; a
// `.dev.vars` that says nothing of NODE_ENV gets that line.
import { existsSync } from 'node:fs'
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { devSecrets, toDevVars } from '../src/runtime/node/dev-secrets.ts'

const DEVELOPMENT = { NODE_ENV: 'development' }

if (!existsSync('.dev.vars')) {
  const dataDir = process.env.DATA_DIR?.trim() ? process.env.DATA_DIR : '.data'
  const { values } = await devSecrets(dataDir).catch((error: unknown) => {
    console.error(`Cannot write .dev.vars: ${(error as Error).message}.`)
    process.exit(1)
  })
  await writeFile('.dev.vars', toDevVars({ ...values, ...DEVELOPMENT }), { mode: 0o600 })
  console.log(
    [
      '.dev.vars written with development secrets:',
      `  API key (X-API-Key):           ${values.API_KEYS}`,
      `  Organisation token (Bearer):   ${values.ORG_TOKENS}`,
    ].join('\n'),
  )
} else {
  if (!/^\s*NODE_ENV\s*=/m.test(await readFile('.dev.vars', 'utf8'))) {
    await appendFile('.dev.vars', `\n${toDevVars(DEVELOPMENT)}`)
    console.log('.dev.vars: added NODE_ENV="development" (confirmation codes go to the log)')
  }
  console.log('Using .dev.vars: the API key is in API_KEYS, the organisation token in ORG_TOKENS.')
}
