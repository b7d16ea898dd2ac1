// `npm run dev` (predev): gives wrangler a `.dev.vars` with development secrets when there is
// none, reusing the ones `npm start` generated so both runtimes accept the same credentials.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { devSecrets, toDevVars } from '../src/runtime/node/dev-secrets.ts'

if (existsSync('.dev.vars')) {
  console.log('Using .dev.vars: the API key is in API_KEYS, the organisation token in ORG_TOKENS.')
} else {
  const { values } = await devSecrets(process.env.DATA_DIR ?? '.data')
  await writeFile('.dev.vars', toDevVars(values), { mode: 0o600 })
  console.log(
    [
      '.dev.vars written with development secrets:',
      `  API key (X-API-Key):           ${values.API_KEYS}`,
      `  Organisation token (Bearer):   ${values.ORG_TOKENS}`,
    ].join('\n'),
  )
}
